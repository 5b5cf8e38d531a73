package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.os.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.FutexKey;
import dev.detsim.scheduler.FutexOp;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * futex(2), emulated: no thread ever waits in the kernel. The handler reads and compares the futex words
 * (and applies WAKE_OP's atomic op: only one thread runs, so the read-modify-write is atomic for the guest)
 * and hands the decoded operation to the scheduler, which owns every wait queue. PI futexes and
 * futex_waitv are refused with ENOSYS and reported once.
 */
public final class FutexHandler implements SyscallHandler {
    static final int WAIT = 0, WAKE = 1, FD = 2, REQUEUE = 3, CMP_REQUEUE = 4, WAKE_OP = 5, LOCK_PI = 6,
            UNLOCK_PI = 7, TRYLOCK_PI = 8, WAIT_BITSET = 9, WAKE_BITSET = 10, WAIT_REQUEUE_PI = 11,
            CMP_REQUEUE_PI = 12, LOCK_PI2 = 13;
    private static final int PRIVATE_FLAG = 128, CLOCK_REALTIME_FLAG = 256;

    private final Clocks clocks;
    private final PrintStream warnings;
    private final Set<String> reported = new HashSet<>();

    public FutexHandler(Clocks clocks, PrintStream warnings) {
        this.clocks = clocks;
        this.warnings = warnings;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.FUTEX, Syscall.FUTEX_WAITV);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        if (stop.wakeUp().isPresent()) return Disposition.emulate(stop.wakeUp().get().syscallReturn().orElse(0));
        if (stop.syscall() == Syscall.FUTEX_WAITV) return refuse("futex_waitv");
        long uaddr = stop.argument(0);
        int op = (int) stop.argument(1);
        int val = (int) stop.argument(2);
        long timeoutOrVal2 = stop.argument(3);
        long uaddr2 = stop.argument(4);
        int val3 = (int) stop.argument(5);
        boolean isPrivate = (op & PRIVATE_FLAG) != 0;
        int cmd = op & ~(PRIVATE_FLAG | CLOCK_REALTIME_FLAG);
        return switch (cmd) {
            case WAIT, WAIT_BITSET -> {
                long word = readWord(stop, uaddr);
                if (word == GuestMemory.UNREADABLE) yield Disposition.fail(Errno.EFAULT);
                Deadline deadline = Deadline.NONE;
                if (timeoutOrVal2 != 0) {
                    long t = Clocks.timespecNanos(stop.memory().read(stop.tid(), timeoutOrVal2, 16));
                    if (t < 0) yield Disposition.fail(Errno.EINVAL);
                    long now = clocks.virtualNow();
                    deadline = cmd == WAIT ? Deadline.after(now, t) : Deadline.at(clocks.toVirtual(
                            (op & CLOCK_REALTIME_FLAG) != 0 ? Clocks.REALTIME : Clocks.MONOTONIC, t));
                }
                int bitset = cmd == WAIT ? FutexOp.MATCH_ANY : val3;
                yield Disposition.futex(new FutexOp.Wait(key(stop, uaddr, isPrivate), word == val, bitset, deadline));
            }
            case WAKE -> Disposition.futex(new FutexOp.Wake(key(stop, uaddr, isPrivate), val));
            case WAKE_BITSET -> Disposition.futex(new FutexOp.Wake(key(stop, uaddr, isPrivate), val, val3));
            case REQUEUE, CMP_REQUEUE -> {
                boolean matched = true;
                if (cmd == CMP_REQUEUE) {
                    long word = readWord(stop, uaddr);
                    if (word == GuestMemory.UNREADABLE) yield Disposition.fail(Errno.EFAULT);
                    matched = word == val3;
                }
                yield Disposition.futex(new FutexOp.Requeue(key(stop, uaddr, isPrivate), val,
                        key(stop, uaddr2, isPrivate), (int) timeoutOrVal2, matched));
            }
            case WAKE_OP -> wakeOp(stop, uaddr, uaddr2, val, (int) timeoutOrVal2, val3, isPrivate);
            case LOCK_PI, UNLOCK_PI, TRYLOCK_PI, WAIT_REQUEUE_PI, CMP_REQUEUE_PI, LOCK_PI2 -> refuse("futex PI op " + cmd);
            default -> refuse("futex op " + cmd);
        };
    }

    /** FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake n1 on uaddr; if cmp(old, cmparg), wake n2 on uaddr2. */
    private Disposition wakeOp(SyscallStop stop, long uaddr, long uaddr2, int n1, int n2, int encoded, boolean isPrivate) {
        int op = (encoded >>> 28) & 7;
        boolean shift = (encoded >>> 28 & 8) != 0;
        int cmp = (encoded >>> 24) & 15;
        int oparg = (encoded << 8) >> 20; // 12 bits, sign-extended
        int cmparg = (encoded << 20) >> 20;
        if (shift) {
            if (oparg < 0 || oparg > 31) return Disposition.fail(Errno.EINVAL);
            oparg = 1 << oparg;
        }
        long word = readWord(stop, uaddr2);
        if (word == GuestMemory.UNREADABLE) return Disposition.fail(Errno.EFAULT);
        int old = (int) word;
        int updated = switch (op) {
            case 0 -> oparg;
            case 1 -> old + oparg;
            case 2 -> old | oparg;
            case 3 -> old & ~oparg;
            case 4 -> old ^ oparg;
            default -> Integer.MIN_VALUE;
        };
        if (op > 4 || cmp > 5) return Disposition.fail(Errno.ENOSYS);
        byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(updated).array();
        if (!stop.memory().write(stop.tid(), uaddr2, bytes)) return Disposition.fail(Errno.EFAULT);
        boolean held = switch (cmp) {
            case 0 -> old == cmparg;
            case 1 -> old != cmparg;
            case 2 -> old < cmparg;
            case 3 -> old <= cmparg;
            case 4 -> old > cmparg;
            default -> old >= cmparg;
        };
        return Disposition.futex(new FutexOp.WakeOp(key(stop, uaddr, isPrivate), n1, key(stop, uaddr2, isPrivate), n2, held));
    }

    /**
     * FUTEX_PRIVATE_FLAG futexes belong to the caller's process. So do shared-flag futexes in private memory:
     * Linux keys those by address space too (pthread_join waits on the thread id without the private flag,
     * and the kernel's wake at thread exit uses the shared form). Only words in a MAP_SHARED mapping are
     * shared between processes.
     */
    private static FutexKey key(SyscallStop stop, long address, boolean isPrivate) {
        if (isPrivate || !SharedMappings.contains(stop.tid(), address)) return FutexKey.privateTo(stop.process(), address);
        return FutexKey.shared(address);
    }

    /** The futex word at address, or {@link GuestMemory#UNREADABLE}. */
    private static long readWord(SyscallStop stop, long address) {
        return stop.memory().readInt(stop.tid(), address);
    }

    private Disposition refuse(String what) {
        if (reported.add(what)) {
            warnings.println("detsim: warning: " + what + " is not supported; the program got ENOSYS");
        }
        return Disposition.fail(Errno.ENOSYS);
    }
}
