/*
 * bench/c/host_probe.c: the facts about this host that change what detsim can do and what it costs here,
 * one "name: value" line each, for bench/hosts.py (which adds the kernel, CPU and PCID/PTI from /proc):
 *
 *   hardware counters: yes|no           perf_event_open of retired instructions (counter-based preemption)
 *   breakpoint counting: exact|no       an execute breakpoint counts 1000 calls of a function as 1000 (probes)
 *   rdtsc under PR_SET_TSC: faults|does not fault|refused   (whether detsim can make rdtsc virtual)
 */
#define _GNU_SOURCE
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

static int perf_open(struct perf_event_attr *attr) {
    return (int) syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
}

__attribute__((noinline)) static void probed(void) {
    __asm__ volatile("" ::: "memory");
}

static const char *breakpoint_counting(void) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_BREAKPOINT;
    attr.bp_type = HW_BREAKPOINT_X;
    attr.bp_addr = (uintptr_t) probed;
    attr.bp_len = sizeof(long);
    attr.exclude_kernel = 1;
    attr.disabled = 1;
    int fd = perf_open(&attr);
    if (fd < 0) return "no";
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    for (int i = 0; i < 1000; i++) probed();
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    long long count = -1;
    if (read(fd, &count, sizeof count) != sizeof count) count = -1;
    close(fd);
    return count == 1000 ? "exact" : "no";
}

static void on_segv(int sig) {
    (void) sig;
    static const char line[] = "rdtsc under PR_SET_TSC: faults\n";
    if (write(STDOUT_FILENO, line, sizeof line - 1) < 0) _exit(1);
    _exit(0);
}

int main(void) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.exclude_kernel = 1;
    int fd = perf_open(&attr);
    printf("hardware counters: %s\n", fd >= 0 ? "yes" : "no");
    if (fd >= 0) close(fd);
    printf("breakpoint counting: %s\n", breakpoint_counting());
    fflush(stdout);
    if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV) != 0) {
        printf("rdtsc under PR_SET_TSC: refused\n");
        return 0;
    }
    signal(SIGSEGV, on_segv);
    volatile uint64_t tsc = __rdtsc();
    (void) tsc;
    printf("rdtsc under PR_SET_TSC: does not fault\n");
    return 0;
}
