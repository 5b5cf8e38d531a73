/*
 * machine: prints what a program learns about the machine from uname(2), sysinfo(2) and
 * sched_getaffinity(2), and whether sched_setaffinity accepts CPU 0 and CPU 5.
 * Under detsim every line is fixed (the virtual machine); natively it is the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

static const char *try_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? "ok" : strerror(errno);
}

int main(void) {
    struct utsname u;
    struct sysinfo si;
    cpu_set_t set;
    if (uname(&u) != 0 || sysinfo(&si) != 0 || sched_getaffinity(0, sizeof set, &set) != 0) {
        perror("machine");
        return 99;
    }
    printf("uname %s %s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname);
    printf("sysinfo uptime %ld totalram %lu freeram %lu procs %u mem_unit %u\n", si.uptime, si.totalram * si.mem_unit,
           si.freeram * si.mem_unit, (unsigned) si.procs, si.mem_unit);
    printf("cpus %d\n", CPU_COUNT(&set));
    printf("setaffinity cpu 0: %s\n", try_cpu(0));
    printf("setaffinity cpu 5: %s\n", try_cpu(5));
    return 0;
}
