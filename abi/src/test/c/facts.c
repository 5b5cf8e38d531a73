#include <stdio.h>

#include "facts.h"

void print_sample(const char *name, const void *bytes, size_t size) {
    const unsigned char *b = bytes;
    printf("sample.%s ", name);
    for (size_t i = 0; i < size; i++) printf("%02x", b[i]);
    printf("\n");
}

int main(void) {
    for (size_t i = 0; i < libc_fact_count; i++) printf("%s %lld\n", libc_facts[i].name, libc_facts[i].value);
    for (size_t i = 0; i < kernel_fact_count; i++) printf("%s %lld\n", kernel_facts[i].name, kernel_facts[i].value);
    libc_samples();
    kernel_samples();
    return 0;
}
