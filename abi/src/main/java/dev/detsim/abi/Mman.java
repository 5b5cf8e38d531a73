package dev.detsim.abi;

import java.util.List;

/** mmap(2)'s protections and flags (asm-generic/mman*.h: the same on x86_64 and aarch64). */
public final class Mman {
    public static final int PROT_NONE = 0, PROT_READ = 0x1, PROT_WRITE = 0x2, PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x1, MAP_PRIVATE = 0x2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_GROWSDOWN = 0x100, MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000,
            MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_NONBLOCK = 0x10000, MAP_STACK = 0x20000,
            MAP_HUGETLB = 0x40000, MAP_FIXED_NOREPLACE = 0x100000;

    /** The protections by name, lowest bit first (for printing). */
    public static final List<Flag> PROT_NAMES = List.of(new Flag(PROT_READ, "PROT_READ"),
            new Flag(PROT_WRITE, "PROT_WRITE"), new Flag(PROT_EXEC, "PROT_EXEC"));
    /** The flags by name, lowest bit first (for printing). */
    public static final List<Flag> MAP_NAMES = List.of(new Flag(MAP_SHARED, "MAP_SHARED"),
            new Flag(MAP_PRIVATE, "MAP_PRIVATE"), new Flag(MAP_FIXED, "MAP_FIXED"),
            new Flag(MAP_ANONYMOUS, "MAP_ANONYMOUS"), new Flag(MAP_GROWSDOWN, "MAP_GROWSDOWN"),
            new Flag(MAP_DENYWRITE, "MAP_DENYWRITE"), new Flag(MAP_EXECUTABLE, "MAP_EXECUTABLE"),
            new Flag(MAP_LOCKED, "MAP_LOCKED"), new Flag(MAP_NORESERVE, "MAP_NORESERVE"),
            new Flag(MAP_POPULATE, "MAP_POPULATE"), new Flag(MAP_NONBLOCK, "MAP_NONBLOCK"),
            new Flag(MAP_STACK, "MAP_STACK"), new Flag(MAP_HUGETLB, "MAP_HUGETLB"),
            new Flag(MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"));

    private Mman() {}
}
