package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Futex.*;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Futex;
import dev.detsim.abi.Time;
import dev.detsim.abi.Timespec;
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
        boolean isPrivate = (op & FUTEX_PRIVATE_FLAG) != 0;
        int cmd = Futex.command(op);
        return switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                long word = readWord(stop, uaddr);
                if (word == GuestMemory.UNREADABLE) yield Disposition.fail(Errno.EFAULT);
                Deadline deadline = Deadline.NONE;
                if (timeoutOrVal2 != 0) {
                    long t = Timespec.nanosOf(stop.memory().read(stop.tid(), timeoutOrVal2, Timespec.SIZE));
                    if (t < 0) yield Disposition.fail(Errno.EINVAL);
                    long now = clocks.virtualNow();
                    deadline = cmd == FUTEX_WAIT ? Deadline.after(now, t) : Deadline.at(clocks.toVirtual(
                            (op & FUTEX_CLOCK_REALTIME) != 0 ? Time.CLOCK_REALTIME : Time.CLOCK_MONOTONIC, t));
                }
                int bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;
                yield Disposition.futex(new FutexOp.Wait(key(stop, uaddr, isPrivate), word == val, bitset, deadline));
            }
            case FUTEX_WAKE -> Disposition.futex(new FutexOp.Wake(key(stop, uaddr, isPrivate), val));
            case FUTEX_WAKE_BITSET -> Disposition.futex(new FutexOp.Wake(key(stop, uaddr, isPrivate), val, val3));
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                boolean matched = true;
                if (cmd == FUTEX_CMP_REQUEUE) {
                    long word = readWord(stop, uaddr);
                    if (word == GuestMemory.UNREADABLE) yield Disposition.fail(Errno.EFAULT);
                    matched = word == val3;
                }
                yield Disposition.futex(new FutexOp.Requeue(key(stop, uaddr, isPrivate), val,
                        key(stop, uaddr2, isPrivate), (int) timeoutOrVal2, matched));
            }
            case FUTEX_WAKE_OP -> wakeOp(stop, uaddr, uaddr2, val, (int) timeoutOrVal2, val3, isPrivate);
            case FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI, FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI,
                 FUTEX_LOCK_PI2 -> refuse("futex PI op " + cmd);
            default -> refuse("futex op " + cmd);
        };
    }

    /** FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake n1 on uaddr; if cmp(old, cmparg), wake n2 on uaddr2. */
    private Disposition wakeOp(SyscallStop stop, long uaddr, long uaddr2, int n1, int n2, int encoded, boolean isPrivate) {
        int op = (encoded >>> 28) & 7;
        boolean shift = (encoded >>> 28 & FUTEX_OP_OPARG_SHIFT) != 0;
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
            case FUTEX_OP_SET -> oparg;
            case FUTEX_OP_ADD -> old + oparg;
            case FUTEX_OP_OR -> old | oparg;
            case FUTEX_OP_ANDN -> old & ~oparg;
            case FUTEX_OP_XOR -> old ^ oparg;
            default -> Integer.MIN_VALUE;
        };
        if (op > FUTEX_OP_XOR || cmp > FUTEX_OP_CMP_GE) return Disposition.fail(Errno.ENOSYS);
        byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(updated).array();
        if (!stop.memory().write(stop.tid(), uaddr2, bytes)) return Disposition.fail(Errno.EFAULT);
        boolean held = switch (cmp) {
            case FUTEX_OP_CMP_EQ -> old == cmparg;
            case FUTEX_OP_CMP_NE -> old != cmparg;
            case FUTEX_OP_CMP_LT -> old < cmparg;
            case FUTEX_OP_CMP_LE -> old <= cmparg;
            case FUTEX_OP_CMP_GT -> old > cmparg;
            default -> old >= cmparg; // FUTEX_OP_CMP_GE
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
