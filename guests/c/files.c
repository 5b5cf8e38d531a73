/*
 * files: what a program learns about files from stat(2), lstat, fstat, fstatat, statx(2), getdents64(2),
 * readdir/telldir/seekdir/rewinddir and statfs(2), for files it creates itself and for one that was there
 * before (/etc/passwd). Under detsim the inode and device numbers are virtual, the times are the virtual
 * times of the changes (the run's start for /etc/passwd), directories list in name order and the file
 * system is a fixed one; natively every one of these is the host's.
 *
 *   files DIR    works in DIR/w (made at the start, removed at the end), prints relative names only
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#define FILES 40

/* The kernel's record (dirent.h's struct dirent64 has a fixed 256-byte name, too big for a small buffer). */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void die(const char *what) {
    perror(what);
    exit(99);
}

static void print_stat(const char *label, const char *name, const struct stat *st) {
    printf("%s %s ino=%lu dev=%u:%u nlink=%lu size=%ld mode=%o atime=%ld.%09ld mtime=%ld.%09ld ctime=%ld.%09ld\n",
           label, name, (unsigned long) st->st_ino, major(st->st_dev), minor(st->st_dev),
           (unsigned long) st->st_nlink, (long) st->st_size, st->st_mode, (long) st->st_atim.tv_sec,
           st->st_atim.tv_nsec, (long) st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (long) st->st_ctim.tv_sec,
           st->st_ctim.tv_nsec);
}

static void stat_at(int dir, const char *label, const char *name) {
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) die(name);
    print_stat(label, name, &st);
}

/* Lists the directory with raw getdents64 calls into a small buffer, checking each d_ino against fstatat. */
static void list_raw(int dir) {
    int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY);
    if (fd < 0) die("open .");
    char buf[128] __attribute__((aligned(8)));
    int calls = 0, entries = 0, mismatched = 0;
    printf("getdents64:");
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        calls++;
        if (n < 0) die("getdents64");
        if (n == 0) break;
        for (long at = 0; at < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *) (buf + at);
            struct stat st;
            if (fstatat(dir, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) die(d->d_name);
            if (strcmp(d->d_name, "..") != 0 && st.st_ino != d->d_ino) mismatched++;
            printf(" %s", d->d_name);
            entries++;
            at += d->d_reclen;
        }
    }
    printf("\ngetdents64 entries %d calls %d d_ino-mismatches %d\n", entries, calls, mismatched);
    long again = syscall(SYS_getdents64, fd, buf, sizeof buf);
    char tiny[16];
    if (lseek(fd, 0, SEEK_SET) != 0) die("lseek");
    long small = syscall(SYS_getdents64, fd, tiny, sizeof tiny);
    printf("after the end: %ld; 16-byte buffer: %ld %s\n", again, small, small < 0 ? strerror(errno) : "");
    close(fd);
}

/* A descriptor number closed mid-listing and reused for another directory lists that directory. */
static void reuse_descriptor(void) {
    char buf[64] __attribute__((aligned(8)));
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syscall(SYS_getdents64, fd, buf, sizeof buf) <= 0) die("getdents64 .");
    close(fd);
    int again = open("sub", O_RDONLY | O_DIRECTORY);
    if (again != fd) die("open sub: another descriptor number");
    printf("reused descriptor %d lists:", again);
    long n;
    while ((n = syscall(SYS_getdents64, again, buf, sizeof buf)) > 0) {
        for (long at = 0; at < n; at += ((struct linux_dirent64 *) (buf + at))->d_reclen) {
            printf(" %s", ((struct linux_dirent64 *) (buf + at))->d_name);
        }
    }
    printf("\n");
    close(again);
}

/* readdir with telldir/seekdir and rewinddir; a file created before the rewind shows after it. */
static void list_readdir(int dir) {
    DIR *d = opendir(".");
    (void) dir;
    if (!d) die("opendir");
    struct dirent *e;
    long mark = -1;
    char after_mark[256] = "";
    int n = 0;
    printf("readdir:");
    while ((e = readdir(d))) {
        printf(" %s", e->d_name);
        if (++n == 5) mark = telldir(d);
        else if (n == 6) snprintf(after_mark, sizeof after_mark, "%s", e->d_name);
    }
    printf("\n");
    seekdir(d, mark);
    e = readdir(d);
    printf("seekdir to entry 6: %s (was %s)\n", e ? e->d_name : "(end)", after_mark);
    int fd = open("new-after-listing", O_CREAT | O_WRONLY, 0644);
    if (fd < 0) die("create new-after-listing");
    close(fd);
    rewinddir(d);
    int total = 0, seen_new = 0;
    while ((e = readdir(d))) {
        total++;
        if (strcmp(e->d_name, "new-after-listing") == 0) seen_new = 1;
    }
    printf("after rewinddir: %d entries, new file %s\n", total, seen_new ? "listed" : "missing");
    closedir(d);
}

int main(int argc, char **argv) {
    if (argc != 2 || chdir(argv[1]) != 0) die("usage: files DIR");
    struct stat st;
    if (stat("/etc/passwd", &st) != 0) die("/etc/passwd");
    print_stat("before-run", "/etc/passwd", &st);

    if (mkdir("w", 0755) != 0) die("mkdir w");
    if (chdir("w") != 0) die("chdir w");
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    if (dir < 0) die("open w");

    /* Created in a scrambled order; every third one gets data. */
    char names[FILES][16];
    for (int i = 0; i < FILES; i++) {
        snprintf(names[i], sizeof names[i], "f%02d", (i * 17) % FILES);
        int fd = openat(dir, names[i], O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) die(names[i]);
        if (i % 3 == 0 && write(fd, names[i], strlen(names[i])) < 0) die("write");
        close(fd);
    }
    for (int i = 0; i < FILES; i++) stat_at(dir, "created", names[i]);

    /* Changes after creation, each later than the last. */
    int fd = open("f02", O_WRONLY | O_APPEND);
    if (fd < 0 || write(fd, "more\n", 5) != 5) die("append f02");
    struct stat by_fd;
    if (fstat(fd, &by_fd) != 0) die("fstat f02");
    print_stat("fstat", "f02", &by_fd);
    close(fd);
    if (truncate("f03", 2) != 0) die("truncate f03");
    if (chmod("f04", 0600) != 0) die("chmod f04");
    if (rename("f05", "renamed") != 0) die("rename f05");
    if (link("f06", "hard") != 0) die("link f06");
    if (symlink("f07", "link") != 0) die("symlink");
    if (mkdir("sub", 0700) != 0) die("mkdir sub");
    if (unlink("f08") != 0) die("unlink f08");
    struct timespec times[2] = {{1111111111, 500000000}, {1234567890, 123456789}};
    if (utimensat(dir, "f09", times, 0) != 0) die("utimensat f09");
    const char *changed[] = {"f02", "f03", "f04", "renamed", "f06", "hard", "link", "sub", "f09", "."};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) stat_at(dir, "changed", changed[i]);

    struct statx sx;
    if (statx(dir, "f06", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx) != 0) die("statx");
    if (fstatat(dir, "f06", &st, 0) != 0) die("f06");
    printf("statx f06 ino=%llu same-as-stat=%s dev=%u:%u same-as-stat=%s btime=%lld.%09u mtime=%lld.%09u\n",
           (unsigned long long) sx.stx_ino, sx.stx_ino == st.st_ino ? "yes" : "no", sx.stx_dev_major,
           sx.stx_dev_minor, makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev ? "yes" : "no",
           (long long) sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec, (long long) sx.stx_mtime.tv_sec,
           sx.stx_mtime.tv_nsec);

    list_raw(dir);
    list_readdir(dir);
    int inner = open("sub/inner", O_CREAT | O_WRONLY, 0600);
    if (inner < 0) die("sub/inner");
    close(inner);
    reuse_descriptor();

    struct statfs fs;
    if (statfs(".", &fs) != 0) die("statfs");
    printf("statfs type=%lx bsize=%ld blocks=%lu bfree=%lu bavail=%lu files=%lu ffree=%lu fsid=%d:%d namelen=%ld\n",
           (unsigned long) fs.f_type, (long) fs.f_bsize, (unsigned long) fs.f_blocks, (unsigned long) fs.f_bfree,
           (unsigned long) fs.f_bavail, (unsigned long) fs.f_files, (unsigned long) fs.f_ffree, fs.f_fsid.__val[0],
           fs.f_fsid.__val[1], (long) fs.f_namelen);
    errno = 0;
    printf("statfs of a missing path: %s\n", statfs("no-such-dir/x", &fs) == 0 ? "ok" : strerror(errno));
    printf("stat of a missing path: %s\n", stat("no-such-file", &st) == 0 ? "ok" : strerror(errno));

    /* Clean up, so that the next run starts from the same state. */
    DIR *d = fdopendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (strcmp(e->d_name, "sub") == 0 && unlinkat(dirfd(d), "sub/inner", 0) != 0) die("sub/inner");
        if (unlinkat(dirfd(d), e->d_name, strcmp(e->d_name, "sub") == 0 ? AT_REMOVEDIR : 0) != 0) die(e->d_name);
    }
    closedir(d);
    if (chdir("..") != 0 || rmdir("w") != 0) die("rmdir w");
    return 0;
}
