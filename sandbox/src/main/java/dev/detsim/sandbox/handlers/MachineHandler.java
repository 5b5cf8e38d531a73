package dev.detsim.sandbox.handlers;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Machine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The machine family: uname(2), sysinfo(2) and the CPU affinity calls answer from the virtual
 * {@link Machine}. sched_getaffinity is where glibc's nproc, Go's runtime.NumCPU and Python's
 * os.sched_getaffinity learn the CPU count; sched_setaffinity accepts any mask within the virtual CPUs
 * and changes nothing (detsim decides where the program runs).
 */
public final class MachineHandler implements SyscallHandler {
    // struct utsname: six char[65] fields. struct sysinfo (64-bit). NativeLayoutTest checks both against C.
    public static final int UTSNAME_FIELD = 65, UTSNAME_SIZE = 6 * UTSNAME_FIELD;
    public static final int SYSINFO_SIZE = 112, SYSINFO_UPTIME = 0, SYSINFO_LOADS = 8, SYSINFO_TOTALRAM = 32,
            SYSINFO_FREERAM = 40, SYSINFO_PROCS = 80, SYSINFO_MEM_UNIT = 104;

    private final Machine machine;

    public MachineHandler(Machine machine) {
        this.machine = machine;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.UNAME, Syscall.SYSINFO, Syscall.SCHED_GETAFFINITY, Syscall.SCHED_SETAFFINITY);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        return switch (stop.syscall()) {
            case UNAME -> write(stop, stop.argument(0), utsname(), 0);
            case SYSINFO -> write(stop, stop.argument(0), sysinfo(), 0);
            case SCHED_GETAFFINITY -> getAffinity(stop);
            case SCHED_SETAFFINITY -> setAffinity(stop);
            default -> Disposition.PASSTHROUGH;
        };
    }

    private static Disposition write(SyscallStop stop, long address, byte[] bytes, long result) {
        if (address == 0 || !stop.memory().write(stop.tid(), address, bytes)) return Disposition.fail(Errno.EFAULT);
        return Disposition.emulate(result);
    }

    byte[] utsname() {
        byte[] b = new byte[UTSNAME_SIZE];
        String[] fields = {Machine.SYSNAME, Machine.NODENAME, Machine.RELEASE, Machine.VERSION,
            machine.architecture(), Machine.DOMAINNAME};
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(f, 0, b, i * UTSNAME_FIELD, Math.min(f.length, UTSNAME_FIELD - 1));
        }
        return b;
    }

    byte[] sysinfo() {
        ByteBuffer b = ByteBuffer.allocate(SYSINFO_SIZE).order(ByteOrder.nativeOrder());
        b.putLong(SYSINFO_UPTIME, Machine.UPTIME_SECONDS);
        for (int i = 0; i < 3; i++) b.putLong(SYSINFO_LOADS + 8 * i, 0);
        b.putLong(SYSINFO_TOTALRAM, Machine.TOTAL_RAM);
        b.putLong(SYSINFO_FREERAM, Machine.FREE_RAM);
        b.putShort(SYSINFO_PROCS, (short) 1);
        b.putInt(SYSINFO_MEM_UNIT, 1);
        return b.array();
    }

    /** Bytes of the kernel's cpumask for the virtual CPU count: whole 64-bit words. */
    int maskBytes() {
        return 8 * ((machine.cpus() + 63) / 64);
    }

    private Disposition getAffinity(SyscallStop stop) {
        long length = stop.argument(1);
        // The kernel's rules: the buffer must hold the mask and be a whole number of longs.
        if (length < maskBytes() || (length & 7) != 0) return Disposition.fail(Errno.EINVAL);
        byte[] mask = new byte[maskBytes()];
        for (int cpu = 0; cpu < machine.cpus(); cpu++) mask[cpu / 8] |= (byte) (1 << (cpu % 8));
        return write(stop, stop.argument(2), mask, mask.length); // the raw call returns the bytes written
    }

    private Disposition setAffinity(SyscallStop stop) {
        long length = Math.min(stop.argument(1), 4096);
        byte[] mask = stop.memory().read(stop.tid(), stop.argument(2), (int) length);
        if (mask == null) return Disposition.fail(Errno.EFAULT);
        for (int cpu = 0; cpu < machine.cpus() && cpu / 8 < mask.length; cpu++) {
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0) return Disposition.emulate(0);
        }
        return Disposition.fail(Errno.EINVAL); // no CPU of this machine in the mask
    }
}
