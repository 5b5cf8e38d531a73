/*
 * pthreads: exercises pthread_create/join, mutexes, a condition variable and
 * a barrier.
 *
 *   pthreads [NTHREADS=8] [ITERS=100000]
 *
 * The threads wait on a condition variable until main says "go", then each
 * sums a deterministic series.  The per-thread sum goes into its slot of a
 * result array; the shared total is updated under a mutex every CHUNK terms
 * (and once more for the remainder).  All threads meet at a barrier before
 * finishing.  Main joins them, prints the per-thread results in index order
 * and the total, and checks that the two agree.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1000

static long iters;
static uint64_t *results;

static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t total;

static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cond = PTHREAD_COND_INITIALIZER;
static int started;

static pthread_barrier_t done_barrier;

static void fail_rc(const char *what, int rc)
{
    fprintf(stderr, "pthreads: %s: %s\n", what, strerror(rc));
    exit(99);
}

#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) fail_rc(#call, rc_); } while (0)

/* Term i of thread t's series: a cheap deterministic mix of i and t. */
static uint64_t term(long t, long i)
{
    uint64_t x = (uint64_t)i * 2654435761u + (uint64_t)t * 40503u;
    return (x ^ (x >> 13)) % 1000003u;
}

static void add_to_total(uint64_t v)
{
    CHECK(pthread_mutex_lock(&total_lock));
    total += v;
    CHECK(pthread_mutex_unlock(&total_lock));
}

static void *worker(void *arg)
{
    long t = (long)(intptr_t)arg;

    CHECK(pthread_mutex_lock(&start_lock));
    while (!started)
        CHECK(pthread_cond_wait(&start_cond, &start_lock));
    CHECK(pthread_mutex_unlock(&start_lock));

    uint64_t mine = 0, pending = 0;
    for (long i = 0; i < iters; i++) {
        uint64_t v = term(t, i);
        mine += v;
        pending += v;
        if ((i + 1) % CHUNK == 0) {
            add_to_total(pending);
            pending = 0;
        }
    }
    add_to_total(pending);
    results[t] = mine;

    int rc = pthread_barrier_wait(&done_barrier);
    if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
        fail_rc("pthread_barrier_wait", rc);
    return NULL;
}

static long parse_arg(const char *s, const char *name, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min || v > max) {
        fprintf(stderr, "pthreads: bad %s '%s' (want %ld..%ld)\n", name, s, min, max);
        exit(99);
    }
    return v;
}

int main(int argc, char **argv)
{
    long nthreads = 8;
    iters = 100000;
    if (argc > 3) {
        fprintf(stderr, "usage: pthreads [NTHREADS] [ITERS]\n");
        return 99;
    }
    if (argc > 1)
        nthreads = parse_arg(argv[1], "NTHREADS", 1, 1000);
    if (argc > 2)
        iters = parse_arg(argv[2], "ITERS", 0, 1000000000L);

    results = calloc((size_t)nthreads, sizeof *results);
    pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
    if (results == NULL || threads == NULL) {
        fprintf(stderr, "pthreads: out of memory\n");
        return 99;
    }

    CHECK(pthread_barrier_init(&done_barrier, NULL, (unsigned)nthreads));
    for (long t = 0; t < nthreads; t++)
        CHECK(pthread_create(&threads[t], NULL, worker, (void *)(intptr_t)t));

    CHECK(pthread_mutex_lock(&start_lock));
    started = 1;
    CHECK(pthread_cond_broadcast(&start_cond));
    CHECK(pthread_mutex_unlock(&start_lock));

    for (long t = 0; t < nthreads; t++)
        CHECK(pthread_join(threads[t], NULL));
    CHECK(pthread_barrier_destroy(&done_barrier));

    uint64_t check = 0;
    for (long t = 0; t < nthreads; t++) {
        printf("thread %ld: %" PRIu64 "\n", t, results[t]);
        check += results[t];
    }
    printf("total: %" PRIu64 "\n", total);
    if (check != total) {
        fprintf(stderr, "pthreads: total %" PRIu64 " != sum of results %" PRIu64 "\n", total, check);
        return 99;
    }
    free(threads);
    free(results);
    return 0;
}
