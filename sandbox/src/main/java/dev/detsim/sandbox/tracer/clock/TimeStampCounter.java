package dev.detsim.sandbox.tracer.clock;

import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.LibDetsim;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.abi.Signals;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.TracedThread;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The time-stamp counter the program reads: rdtsc and rdtscp answered from virtual time, 1 tick per virtual
 * nanosecond plus one per read (the same every run, strictly increasing within a turn).
 *
 * <p>Where the kernel makes rdtsc fault under PR_SET_TSC ({@link LibDetsim#rdtscTraps}, tried outside the traced
 * tree, where the tracer cannot answer the probe's fault), every program runs with that flag and each rdtsc
 * stops with SIGSEGV. Elsewhere only the sites {@link TimeStampPatches} rewrote to UD2 (Go's runtime.cputicks)
 * stop, with SIGILL. The program's own PR_SET_TSC and PR_GET_TSC are answered here, so it sees the flag as it
 * set it (enabled at first, as natively) and gets its SIGSEGV when it asked for one; per thread, inherited by
 * new threads and processes as the kernel's flag is.
 */
public final class TimeStampCounter implements SyscallHandler {
    // prctl options and PR_SET_TSC modes (linux/prctl.h).
    static final int PR_GET_TSC = 25, PR_SET_TSC = 26, PR_TSC_ENABLE = 1, PR_TSC_SIGSEGV = 2;

    private final boolean trapped;
    private final TimeStampPatches patches;
    private final LongSupplier virtualNanos;
    private final IntFunction<TscMode> modeOf;
    private long reads;

    /**
     * @param trapped whether every program runs with PR_SET_TSC(PR_TSC_SIGSEGV) in force
     * @param patches the rdtsc sites detsim rewrote to UD2
     * @param virtualNanos the virtual clock the counter follows
     * @param modeOf the PR_SET_TSC mode of the thread with a host tid
     */
    public TimeStampCounter(boolean trapped, TimeStampPatches patches, LongSupplier virtualNanos,
                            IntFunction<TscMode> modeOf) {
        this.trapped = trapped;
        this.patches = patches;
        this.virtualNanos = virtualNanos;
        this.modeOf = modeOf;
    }

    /** Whether detsim should trap rdtsc on this machine: x86_64, and the kernel really faults. */
    public static boolean trapWanted(Arch arch) {
        return arch.name().equals("x86_64") && LibDetsim.rdtscTraps() == LibDetsim.RDTSC_TRAPS;
    }

    public boolean trapped() {
        return trapped;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.PRCTL);
    }

    @Override
    public Map<Syscall, SeccompFilter.ArgumentFilter> onlyWhen() {
        return Map.of(Syscall.PRCTL, new SeccompFilter.ArgumentFilter(0, Set.of(PR_GET_TSC, PR_SET_TSC)));
    }

    /** The program's view of its PR_SET_TSC flag; answered on every machine, so event logs agree across hosts. */
    @Override
    public Disposition onSyscall(SyscallStop stop) {
        int option = (int) stop.argument(0);
        TscMode t = modeOf.apply(stop.tid());
        if (option == PR_SET_TSC) {
            long mode = stop.argument(1);
            if (mode != PR_TSC_ENABLE && mode != PR_TSC_SIGSEGV) return Disposition.fail(Errno.EINVAL);
            t.wantsTscFault = mode == PR_TSC_SIGSEGV;
            return Disposition.emulate(0);
        }
        if (option == PR_GET_TSC) {
            byte[] mode = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                    .putInt(t.wantsTscFault ? PR_TSC_SIGSEGV : PR_TSC_ENABLE).array();
            return stop.memory().write(stop.tid(), stop.argument(1), mode) ? Disposition.emulate(0) : Disposition.fail(Errno.EFAULT);
        }
        return Disposition.PASSTHROUGH;
    }

    /**
     * At a SIGSEGV or SIGILL stop of t, whose PR_SET_TSC mode is mode: if an rdtsc/rdtscp raised it (and t did
     * not ask for the fault itself), sets the registers it would have left and returns true; false if the
     * signal is to be delivered.
     */
    public boolean answer(Arch arch, Posix posix, Registers regs, GuestMemory memory, TracedThread t, TscMode mode,
                          int signal) {
        if (signal == Signals.SIGSEGV && (!trapped || mode.wantsTscFault)) return false;
        if (arch.fetch(posix, t.tid(), regs.forFetch()) < 0) return false;
        long ip = regs.instructionPointer();
        boolean rdtscp;
        int length;
        if (signal == Signals.SIGILL) {
            TimeStampPatches.Site site = patches.at(t.tgid(), ip);
            if (site == null) return false;
            rdtscp = site.rdtscp();
            length = site.length();
        } else {
            byte[] code = memory.read(t.tid(), ip, 3);
            if (code == null || code.length < 2 || code[0] != 0x0f) return false;
            boolean rdtsc = code[1] == 0x31;
            rdtscp = code.length == 3 && code[1] == 0x01 && code[2] == (byte) 0xf9;
            if (!rdtsc && !rdtscp) return false;
            length = rdtsc ? 2 : 3;
        }
        regs.setTimeStampCounter(virtualNanos.getAsLong() + ++reads, rdtscp, ip + length);
        arch.store(posix, t.tid(), regs.raw());
        return true;
    }
}
