/*
 * abi-facts prints what C says about the Linux ABI, one "NAME VALUE" line each, for AbiFactsTest to hold the
 * Java values of dev.detsim.abi to. NAME is the Java class and field ("Errno.EINTR", "Statx.STX_INO"), or
 * "layout.*" for per-architecture layouts, or "sample.*" with the hex bytes of a struct C filled in.
 *
 * Two translation units, because glibc's headers and the kernel's uapi headers define some of the same names:
 * libc_facts.c includes only the C library's headers (what a program sees), kernel_facts.c only the kernel's
 * (what the kernel writes: struct statx, open_how, asm-generic's struct stat and fcntl.h bits).
 */
#ifndef ABI_FACTS_H
#define ABI_FACTS_H

#include <stddef.h>

struct fact {
    const char *name;
    long long value;
};

#define FACT(name, value) {name, (long long) (value)}

extern const struct fact libc_facts[];
extern const size_t libc_fact_count;
extern const struct fact kernel_facts[];
extern const size_t kernel_fact_count;

/* Prints "sample.NAME" and the bytes of a struct as hex. */
void print_sample(const char *name, const void *bytes, size_t size);
void libc_samples(void);
void kernel_samples(void);

#endif
