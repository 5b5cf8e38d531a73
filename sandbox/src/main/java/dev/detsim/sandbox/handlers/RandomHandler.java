package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Getrandom.GRND_INSECURE;
import static dev.detsim.abi.Getrandom.GRND_NONBLOCK;
import static dev.detsim.abi.Getrandom.GRND_RANDOM;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.AuxiliaryVector;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Entropy;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The random family: every random byte a program gets comes from the run's seeded {@link Entropy}.
 * getrandom(2) is answered by detsim, and the 16 AT_RANDOM bytes that the kernel puts on every new
 * program's stack (glibc's stack protector and pointer guard, Go's runtime seed) are replaced at exec.
 */
public final class RandomHandler implements SyscallHandler {
    /** MAX_RW_COUNT (INT_MAX rounded down to a page): the most one getrandom call returns; callers loop for more. */
    static final long MAX_PER_CALL = 0x7fff_f000L;
    private static final int PAGE = 4096, CHUNK = 4096;
    private static final int AT_RANDOM_BYTES = 16;

    private final Entropy entropy;

    public RandomHandler(Entropy entropy) {
        this.entropy = entropy;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.GETRANDOM);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        long buf = stop.argument(0);
        // count is a size_t: Long.compareUnsigned, so a huge one is capped rather than read as negative.
        long length = Long.compareUnsigned(stop.argument(1), MAX_PER_CALL) > 0 ? MAX_PER_CALL : stop.argument(1);
        int flags = (int) stop.argument(2); // an unsigned int: the register's upper half is not looked at
        if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0) return Disposition.fail(Errno.EINVAL);
        if ((flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
            return Disposition.fail(Errno.EINVAL); // "insecure" and "blocking pool" at once makes no sense
        }
        byte[] chunk = new byte[CHUNK];
        for (long done = 0; done < length; done += CHUNK) {
            int n = (int) Math.min(CHUNK, length - done);
            byte[] bytes = n == CHUNK ? chunk : new byte[n];
            entropy.nextBytes(bytes); // drawn per CHUNK as before, so a seed's bytes do not change
            // Written up to each page boundary: a fault returns the bytes before the first unwritable page.
            for (int off = 0; off < n; ) {
                long at = buf + done + off;
                int piece = (int) Math.min(PAGE - (at & (PAGE - 1)), n - off);
                byte[] part = piece == n ? bytes : java.util.Arrays.copyOfRange(bytes, off, off + piece);
                if (!stop.memory().write(stop.tid(), at, part)) {
                    long written = done + off;
                    return written > 0 ? Disposition.emulate(written) : Disposition.fail(Errno.EFAULT);
                }
                off += piece;
            }
        }
        return Disposition.emulate(length);
    }

    @Override
    public void onExec(ExecStop exec) {
        OptionalLong slot = AuxiliaryVector.valueAddress(exec.memory(), exec.tid(), exec.stackPointer(),
                AuxiliaryVector.AT_RANDOM);
        if (slot.isEmpty()) return;
        Long address = exec.memory().readWord(exec.tid(), slot.getAsLong());
        if (address == null || address == 0) return;
        byte[] bytes = new byte[AT_RANDOM_BYTES];
        entropy.nextBytes(bytes);
        exec.memory().write(exec.tid(), address, bytes);
    }
}
