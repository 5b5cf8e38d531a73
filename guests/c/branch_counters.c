/*
 * Prints whether this machine counts retired branches in user space, the way detsim probes it:
 * perf_event_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, disabled, exclude_kernel,
 * exclude_hv) for the calling thread on any CPU. Output: "present" or "none ERRNO-NAME".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_HW_BRANCH_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    if (fd < 0) {
        printf("none %s\n", strerrorname_np(errno));
        return 0;
    }
    close((int) fd);
    printf("present\n");
    return 0;
}
