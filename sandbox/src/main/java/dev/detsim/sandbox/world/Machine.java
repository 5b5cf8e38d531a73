package dev.detsim.sandbox.world;

/**
 * The machine a program under detsim sees: fixed names and sizes, never the host's, so that output that
 * mentions them is the same on every host.
 *
 * @param cpus how many CPUs the program sees (sched_getaffinity): --cpus, default 1
 * @param architecture uname's machine field ("x86_64", "aarch64")
 */
public record Machine(int cpus, String architecture) {
    public static final String SYSNAME = "Linux";
    public static final String NODENAME = "detsim";
    public static final String RELEASE = "6.1.0-detsim";
    public static final String VERSION = "#1 SMP PREEMPT_DYNAMIC detsim";
    public static final String DOMAINNAME = "(none)";
    /** Memory reported by sysinfo: 8 GiB total, 6 GiB free, no swap. */
    public static final long TOTAL_RAM = 8L << 30, FREE_RAM = 6L << 30;
    /** sysinfo's uptime, fixed until virtual time lands. */
    public static final long UPTIME_SECONDS = 1000;
    /** The largest CPU count --cpus accepts (one 64-bit affinity word per 64 CPUs; 1024 like cpu_set_t). */
    public static final int MAX_CPUS = 1024;

    public Machine {
        if (cpus < 1 || cpus > MAX_CPUS) throw new IllegalArgumentException("cpus must be 1.." + MAX_CPUS + ", not " + cpus);
    }
}
