package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.os.Errno;
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
    /** The kernel's cap for one getrandom call; callers loop for more. */
    static final long MAX_PER_CALL = 33_554_431;
    private static final int CHUNK = 4096;
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
        long length = Math.min(stop.argument(1), MAX_PER_CALL);
        long flags = stop.argument(2);
        if ((flags & ~0x7L) != 0) return Disposition.fail(Errno.EINVAL); // GRND_NONBLOCK|RANDOM|INSECURE only
        byte[] chunk = new byte[CHUNK];
        for (long done = 0; done < length; done += CHUNK) {
            int n = (int) Math.min(CHUNK, length - done);
            byte[] bytes = n == CHUNK ? chunk : new byte[n];
            entropy.nextBytes(bytes);
            if (!stop.memory().write(stop.tid(), buf + done, bytes)) {
                return done > 0 ? Disposition.emulate(done) : Disposition.fail(Errno.EFAULT);
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
