/*
 * What the kernel's uapi headers say, where that is what matters and the C library's headers do not show it:
 * the structs only the kernel defines (statx, open_how), struct stat of asm-generic/stat.h (aarch64's, laid out
 * here as on any 64-bit machine), the kernel's O_LARGEFILE (glibc's is 0 on 64-bit, but the kernel sets it on
 * every open and /proc's fdinfo shows it) and the sigset the kernel takes.
 */
#include <asm-generic/stat.h>
#include <asm/signal.h>
#include <linux/fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/stat.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"

#define OFFSET(class, field, type, member) FACT(#class "." #field, offsetof(type, member))
#define GENERIC(field, member) FACT("layout.stat.generic." #field, offsetof(struct stat, member))

const struct fact kernel_facts[] = {
    FACT("PerfEvents.PERF_TYPE_HARDWARE", PERF_TYPE_HARDWARE), FACT("PerfEvents.PERF_TYPE_SOFTWARE", PERF_TYPE_SOFTWARE),
    FACT("PerfEvents.PERF_TYPE_RAW", PERF_TYPE_RAW), FACT("PerfEvents.PERF_TYPE_BREAKPOINT", PERF_TYPE_BREAKPOINT),
    FACT("PerfEvents.PERF_COUNT_SW_TASK_CLOCK", PERF_COUNT_SW_TASK_CLOCK),
    FACT("PerfEvents.PERF_COUNT_HW_BRANCH_INSTRUCTIONS", PERF_COUNT_HW_BRANCH_INSTRUCTIONS), FACT("PerfEvents.HW_BREAKPOINT_X", HW_BREAKPOINT_X),
    FACT("PerfEvents.ATTR_SIZE", PERF_ATTR_SIZE_VER7), OFFSET(PerfEvents, ATTR_TYPE, struct perf_event_attr, type),
    OFFSET(PerfEvents, ATTR_SIZE_FIELD, struct perf_event_attr, size),
    OFFSET(PerfEvents, ATTR_CONFIG, struct perf_event_attr, config),
    OFFSET(PerfEvents, ATTR_SAMPLE_PERIOD, struct perf_event_attr, sample_period),
    OFFSET(PerfEvents, ATTR_WAKEUP_EVENTS, struct perf_event_attr, wakeup_events),
    OFFSET(PerfEvents, ATTR_BP_TYPE, struct perf_event_attr, bp_type),
    OFFSET(PerfEvents, ATTR_BP_ADDR, struct perf_event_attr, bp_addr),
    OFFSET(PerfEvents, ATTR_BP_LEN, struct perf_event_attr, bp_len),
    OFFSET(PerfEvents, ATTR_CONFIG1, struct perf_event_attr, config1),
    OFFSET(PerfEvents, ATTR_CONFIG2, struct perf_event_attr, config2),
    FACT("PerfEvents.PERF_FLAG_FD_CLOEXEC", PERF_FLAG_FD_CLOEXEC),
    FACT("PerfEvents.IOC_RESET", PERF_EVENT_IOC_RESET), FACT("PerfEvents.IOC_PERIOD", PERF_EVENT_IOC_PERIOD),

    FACT("OpenFlags.host.O_LARGEFILE", O_LARGEFILE),
    FACT("OpenFlags.SYNC_BIT", __O_SYNC),
    FACT("OpenFlags.TMPFILE_BIT", __O_TMPFILE),

    FACT("Signals.SIGSET_SIZE", sizeof(sigset_t)),

    FACT("OpenHow.SIZE", sizeof(struct open_how)), OFFSET(OpenHow, FLAGS, struct open_how, flags),
    OFFSET(OpenHow, MODE, struct open_how, mode), OFFSET(OpenHow, RESOLVE, struct open_how, resolve),

    FACT("Statx.SIZE", sizeof(struct statx)), OFFSET(Statx, STX_MASK, struct statx, stx_mask),
    OFFSET(Statx, STX_NLINK, struct statx, stx_nlink), OFFSET(Statx, STX_MODE, struct statx, stx_mode),
    OFFSET(Statx, STX_INO, struct statx, stx_ino), OFFSET(Statx, STX_SIZE, struct statx, stx_size),
    OFFSET(Statx, STX_BLOCKS, struct statx, stx_blocks),
    OFFSET(Statx, STX_ATIME, struct statx, stx_atime), OFFSET(Statx, STX_BTIME, struct statx, stx_btime),
    OFFSET(Statx, STX_CTIME, struct statx, stx_ctime), OFFSET(Statx, STX_MTIME, struct statx, stx_mtime),
    OFFSET(Statx, STX_DEV_MAJOR, struct statx, stx_dev_major), OFFSET(Statx, STX_DEV_MINOR, struct statx, stx_dev_minor),
    OFFSET(Statx, STX_MNT_ID, struct statx, stx_mnt_id), OFFSET(Statx, TV_NSEC, struct statx_timestamp, tv_nsec),
    FACT("Statx.STATX_TYPE", STATX_TYPE), FACT("Statx.STATX_MODE", STATX_MODE), FACT("Statx.STATX_NLINK", STATX_NLINK),
    FACT("Statx.STATX_UID", STATX_UID), FACT("Statx.STATX_GID", STATX_GID), FACT("Statx.STATX_ATIME", STATX_ATIME),
    FACT("Statx.STATX_MTIME", STATX_MTIME), FACT("Statx.STATX_CTIME", STATX_CTIME), FACT("Statx.STATX_INO", STATX_INO),
    FACT("Statx.STATX_SIZE", STATX_SIZE), FACT("Statx.STATX_BLOCKS", STATX_BLOCKS),
    FACT("Statx.STATX_BASIC_STATS", STATX_BASIC_STATS), FACT("Statx.STATX_BTIME", STATX_BTIME),
    FACT("Statx.STATX_MNT_ID", STATX_MNT_ID),

    FACT("layout.stat.generic.size", sizeof(struct stat)), GENERIC(dev, st_dev), GENERIC(ino, st_ino),
    GENERIC(nlink, st_nlink), FACT("layout.stat.generic.nlinkBytes", sizeof(((struct stat *) 0)->st_nlink)),
    GENERIC(mode, st_mode), GENERIC(uid, st_uid), GENERIC(gid, st_gid), GENERIC(rdev, st_rdev),
    GENERIC(fileSize, st_size), GENERIC(blksize, st_blksize), GENERIC(blocks, st_blocks), GENERIC(atime, st_atime),
    GENERIC(mtime, st_mtime), GENERIC(ctime, st_ctime),
};
const size_t kernel_fact_count = sizeof kernel_facts / sizeof kernel_facts[0];

/* Prints PerfEvents.NAME with the flags word (the u64 after read_format) that setting one bit-field gives. */
#define PERF_FLAG(field, java)                                                                                     \
    do {                                                                                                       \
        struct perf_event_attr a;                                                                              \
        memset(&a, 0, sizeof a);                                                                               \
        a.field = 1;                                                                                           \
        unsigned long long w;                                                                                  \
        memcpy(&w, (char *) &a + offsetof(struct perf_event_attr, read_format) + 8, sizeof w);                  \
        printf("PerfEvents.%s %llu\n", java, w);                                                              \
    } while (0)

void kernel_samples(void) {
    PERF_FLAG(disabled, "DISABLED");
    PERF_FLAG(pinned, "PINNED");
    PERF_FLAG(exclude_kernel, "EXCLUDE_KERNEL");
    PERF_FLAG(exclude_hv, "EXCLUDE_HV");
    PERF_FLAG(exclude_guest, "EXCLUDE_GUEST");
    printf("PerfEvents.ATTR_FLAGS %zu\n", offsetof(struct perf_event_attr, read_format) + 8);

    struct open_how how = {.flags = 0x0102030405060708ULL, .mode = 0644, .resolve = 0x10};
    print_sample("open_how", &how, sizeof how);

    struct statx sx;
    memset(&sx, 0, sizeof sx);
    sx.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
    sx.stx_nlink = 2;
    sx.stx_mode = 0xf1ff;
    sx.stx_ino = 0x0102030405060708ULL;
    sx.stx_size = 99;
    sx.stx_atime = (struct statx_timestamp){.tv_sec = 11, .tv_nsec = 999999999};
    sx.stx_btime = (struct statx_timestamp){.tv_sec = 12, .tv_nsec = 1};
    sx.stx_ctime = (struct statx_timestamp){.tv_sec = 13, .tv_nsec = 2};
    sx.stx_mtime = (struct statx_timestamp){.tv_sec = 14, .tv_nsec = 3};
    sx.stx_dev_major = 259;
    sx.stx_dev_minor = 3;
    sx.stx_mnt_id = 77;
    print_sample("statx", &sx, sizeof sx);

    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_dev = 0x1111;
    st.st_ino = 0x2222222233ULL;
    st.st_nlink = 3;
    st.st_mode = 0040755;
    st.st_uid = 1000;
    st.st_gid = 1001;
    st.st_rdev = 0x4444;
    st.st_size = 0x5555;
    st.st_blksize = 4096;
    st.st_blocks = 8;
    st.st_atime = 1;
    st.st_atime_nsec = 2;
    st.st_mtime = 3;
    st.st_mtime_nsec = 4;
    st.st_ctime = 5;
    st.st_ctime_nsec = 6;
    print_sample("stat.generic", &st, sizeof st);
}
