/* C's view of the structures and numbers detsim shares with Java; NativeLayoutTest compares them with Java's. */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/user.h>

#include "detsim.h"

#define ENTRY(name, value) {name, (long) (value)}

static const struct {
    const char *name;
    long value;
} layouts[] = {
#if defined(__x86_64__)
    ENTRY("user_regs_struct", sizeof(struct user_regs_struct)),
    ENTRY("user_regs_struct.rax", offsetof(struct user_regs_struct, rax)),
    ENTRY("user_regs_struct.orig_rax", offsetof(struct user_regs_struct, orig_rax)),
    ENTRY("user_regs_struct.rdi", offsetof(struct user_regs_struct, rdi)),
    ENTRY("user_regs_struct.rsi", offsetof(struct user_regs_struct, rsi)),
    ENTRY("user_regs_struct.rdx", offsetof(struct user_regs_struct, rdx)),
    ENTRY("user_regs_struct.r10", offsetof(struct user_regs_struct, r10)),
    ENTRY("user_regs_struct.r8", offsetof(struct user_regs_struct, r8)),
    ENTRY("user_regs_struct.r9", offsetof(struct user_regs_struct, r9)),
    ENTRY("user_regs_struct.rip", offsetof(struct user_regs_struct, rip)),
    ENTRY("user_regs_struct.rsp", offsetof(struct user_regs_struct, rsp)),
#endif
    ENTRY("DETSIM_CALL_SPAWN", DETSIM_CALL_SPAWN),
    ENTRY("DETSIM_CALL_FORWARD_SIGNALS", DETSIM_CALL_FORWARD_SIGNALS),
    ENTRY("DETSIM_CALL_RDTSC_TRAPS", DETSIM_CALL_RDTSC_TRAPS),
    ENTRY("siginfo_t", sizeof(siginfo_t)),
    ENTRY("siginfo_t.si_signo", offsetof(siginfo_t, si_signo)),
    ENTRY("siginfo_t.si_errno", offsetof(siginfo_t, si_errno)),
    ENTRY("siginfo_t.si_code", offsetof(siginfo_t, si_code)),
    ENTRY("siginfo_t.si_pid", offsetof(siginfo_t, si_pid)),
    ENTRY("siginfo_t.si_uid", offsetof(siginfo_t, si_uid)),
    ENTRY("siginfo_t.si_status", offsetof(siginfo_t, si_status)),
    ENTRY("seccomp_data", sizeof(struct seccomp_data)),
    ENTRY("seccomp_data.nr", offsetof(struct seccomp_data, nr)),
    ENTRY("seccomp_data.arch", offsetof(struct seccomp_data, arch)),
    ENTRY("seccomp_data.instruction_pointer", offsetof(struct seccomp_data, instruction_pointer)),
    ENTRY("seccomp_data.args", offsetof(struct seccomp_data, args)),
    ENTRY("sock_filter", sizeof(struct sock_filter)),
    ENTRY("sock_filter.code", offsetof(struct sock_filter, code)),
    ENTRY("sock_filter.jt", offsetof(struct sock_filter, jt)),
    ENTRY("sock_filter.jf", offsetof(struct sock_filter, jf)),
    ENTRY("sock_filter.k", offsetof(struct sock_filter, k)),
    ENTRY("utsname", sizeof(struct utsname)),
    ENTRY("utsname.nodename", offsetof(struct utsname, nodename)),
    ENTRY("utsname.machine", offsetof(struct utsname, machine)),
    ENTRY("sysinfo", sizeof(struct sysinfo)),
    ENTRY("sysinfo.uptime", offsetof(struct sysinfo, uptime)),
    ENTRY("sysinfo.loads", offsetof(struct sysinfo, loads)),
    ENTRY("sysinfo.totalram", offsetof(struct sysinfo, totalram)),
    ENTRY("sysinfo.freeram", offsetof(struct sysinfo, freeram)),
    ENTRY("sysinfo.procs", offsetof(struct sysinfo, procs)),
    ENTRY("sysinfo.mem_unit", offsetof(struct sysinfo, mem_unit)),
    ENTRY("iovec", sizeof(struct iovec)),
    ENTRY("iovec.iov_base", offsetof(struct iovec, iov_base)),
    ENTRY("iovec.iov_len", offsetof(struct iovec, iov_len)),
    ENTRY("detsim_spawn_request", sizeof(struct detsim_spawn_request)),
    ENTRY("detsim_spawn_request.path", offsetof(struct detsim_spawn_request, path)),
    ENTRY("detsim_spawn_request.argv", offsetof(struct detsim_spawn_request, argv)),
    ENTRY("detsim_spawn_request.envp", offsetof(struct detsim_spawn_request, envp)),
    ENTRY("detsim_spawn_request.filter", offsetof(struct detsim_spawn_request, filter)),
    ENTRY("detsim_spawn_request.filter_len", offsetof(struct detsim_spawn_request, filter_len)),
    ENTRY("detsim_spawn_request.ptrace_options", offsetof(struct detsim_spawn_request, ptrace_options)),
    ENTRY("detsim_spawn_request.keep_fds", offsetof(struct detsim_spawn_request, keep_fds)),
    ENTRY("detsim_spawn_request.keep_fd_count", offsetof(struct detsim_spawn_request, keep_fd_count)),
    ENTRY("detsim_spawn_request.flags", offsetof(struct detsim_spawn_request, flags)),
    ENTRY("detsim_spawn_request.init_keep_fd", offsetof(struct detsim_spawn_request, init_keep_fd)),
    ENTRY("detsim_spawned", sizeof(struct detsim_spawned)),
    ENTRY("detsim_spawned.error_fd", offsetof(struct detsim_spawned, error_fd)),
    ENTRY("detsim_spawned.init_pid", offsetof(struct detsim_spawned, init_pid)),
    ENTRY("detsim_spawned.namespace_stage", offsetof(struct detsim_spawned, namespace_stage)),
    ENTRY("detsim_spawned.namespace_errno", offsetof(struct detsim_spawned, namespace_errno)),
};

long detsim_layout(const char *name) {
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (strcmp(layouts[i].name, name) == 0) return layouts[i].value;
    return -1;
}
