/*
 * Java's two ways in, of one shape. The raw system call: the kernel's own result, -errno on failure. glibc's
 * syscall() returns -1 and sets errno, which the Java side then had to capture after every call
 * (Linker.Option.captureCallState), a measurable part of each tracer stop; the kernel's convention needs nothing
 * of the sort. And detsim's own functions, by number (detsim.h).
 */
#include "detsim.h"

#include <errno.h>
#include <unistd.h>

long detsim_syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
#if defined(__x86_64__)
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a1;
    register long x1 __asm__("x1") = a2;
    register long x2 __asm__("x2") = a3;
    register long x3 __asm__("x3") = a4;
    register long x4 __asm__("x4") = a5;
    register long x5 __asm__("x5") = a6;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#else
    long result = syscall(number, a1, a2, a3, a4, a5, a6);
    return result == -1 ? -errno : result;
#endif
}

long detsim_call(long function, long a1, long a2, long a3, long a4, long a5, long a6) {
    (void) a3, (void) a4, (void) a5, (void) a6;
    switch (function) {
    case DETSIM_CALL_SPAWN:
        return detsim_spawn((const struct detsim_spawn_request *) a1, (struct detsim_spawned *) a2);
    case DETSIM_CALL_FORWARD_SIGNALS:
        return detsim_forward_signals((pid_t) a1);
    case DETSIM_CALL_RDTSC_TRAPS:
        return detsim_rdtsc_traps();
    default:
        return -ENOSYS;
    }
}
