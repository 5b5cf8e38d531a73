package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Sigevent.SIGEV_NONE;
import static dev.detsim.abi.Sigevent.SIGEV_SIGNAL;
import static dev.detsim.abi.Sigevent.SIGEV_THREAD_ID;
import static dev.detsim.abi.Signals.SIGALRM;
import static dev.detsim.abi.Signals.SIGPROF;
import static dev.detsim.abi.Signals.SIGRTMAX;
import static dev.detsim.abi.Signals.SIGVTALRM;
import static dev.detsim.abi.Time.ITIMER_PROF;
import static dev.detsim.abi.Time.ITIMER_REAL;
import static dev.detsim.abi.Time.ITIMER_VIRTUAL;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Itimerspec;
import dev.detsim.abi.Itimerval;
import dev.detsim.abi.Sigevent;
import dev.detsim.abi.Siginfo;
import dev.detsim.abi.Time;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.tracer.TaskState;
import dev.detsim.sandbox.api.TimerDelivery;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Interval timers (alarm, setitimer, getitimer) and POSIX timers (timer_create and the rest), kept entirely in
 * detsim: no kernel timer is ever armed. Each armed timer is a {@link TimerKey} in the scheduler's
 * {@link TimerQueue}, expiring on the virtual clock; when it does, detsim sends its signal into the program
 * (SIGALRM, SIGVTALRM, SIGPROF, or the sigevent's signal with an SI_TIMER siginfo), so expirations are
 * delivered at a deterministic point and a program waiting for one makes the clock jump to it.
 *
 * <p>The CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF, timers on CPU-time clocks) count the same virtual
 * time line as the others: under detsim a thread's CPU clock is the virtual clock ({@link Clocks}).
 */
public final class TimerHandler implements SyscallHandler {
    static final String ITIMER = "itimer", POSIX = "posix";
    private static final int DELAYTIMER_MAX = Integer.MAX_VALUE;
    private static final long DISARMED = -1;

    /** One timer: how it repeats and what its expiry sends. */
    private static final class Timer {
        final int clock;
        final int signal; // 0: SIGEV_NONE
        final long sigval;
        final int thread; // host tid for SIGEV_THREAD_ID, 0 for the process
        long interval;
        int overrun;

        Timer(int clock, int signal, long sigval, int thread) {
            this.clock = clock;
            this.signal = signal;
            this.sigval = sigval;
            this.thread = thread;
        }
    }

    private final Clocks clocks;
    private final TimerQueue queue;
    private final Map<TimerKey, Timer> timers = new HashMap<>();
    private final Map<ProcessId, Integer> nextTimerId = new HashMap<>();

    public TimerHandler(Clocks clocks, TimerQueue queue) {
        this.clocks = clocks;
        this.queue = queue;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.ALARM, Syscall.SETITIMER, Syscall.GETITIMER, Syscall.TIMER_CREATE,
                Syscall.TIMER_SETTIME, Syscall.TIMER_GETTIME, Syscall.TIMER_GETOVERRUN, Syscall.TIMER_DELETE);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        return switch (stop.syscall()) {
            case ALARM -> alarm(stop, stop.argument(0) & 0xffff_ffffL);
            case GETITIMER -> getitimer(stop, (int) stop.argument(0), stop.argument(1));
            case SETITIMER -> setitimer(stop, (int) stop.argument(0), stop.argument(1), stop.argument(2));
            case TIMER_CREATE -> timerCreate(stop, (int) stop.argument(0), stop.argument(1), stop.argument(2));
            case TIMER_SETTIME -> timerSettime(stop, (int) stop.argument(0), (int) stop.argument(1), stop.argument(2),
                    stop.argument(3));
            case TIMER_GETTIME -> timerGettime(stop, (int) stop.argument(0), stop.argument(1));
            case TIMER_GETOVERRUN -> {
                Timer t = timers.get(posixKey(stop, (int) stop.argument(0)));
                yield t == null ? Disposition.fail(Errno.EINVAL) : Disposition.emulate(t.overrun);
            }
            case TIMER_DELETE -> {
                TimerKey key = posixKey(stop, (int) stop.argument(0));
                if (timers.remove(key) == null) yield Disposition.fail(Errno.EINVAL);
                queue.disarm(key);
                yield Disposition.emulate(0);
            }
            default -> Disposition.PASSTHROUGH;
        };
    }

    // ---- interval timers ----------------------------------------------------------------------------

    private static int itimerSignal(int which) {
        return switch (which) {
            case ITIMER_REAL -> SIGALRM;
            case ITIMER_VIRTUAL -> SIGVTALRM;
            case ITIMER_PROF -> SIGPROF;
            default -> -1;
        };
    }

    private Timer itimer(ProcessId process, int which) {
        return timers.computeIfAbsent(new TimerKey(process, ITIMER, which),
                k -> new Timer(Time.CLOCK_MONOTONIC, itimerSignal(which), 0, 0));
    }

    /** alarm(2): ITIMER_REAL for whole seconds; returns the seconds the previous alarm had left, rounded. */
    private Disposition alarm(SyscallStop stop, long seconds) {
        TimerKey key = new TimerKey(stop.process(), ITIMER, ITIMER_REAL);
        long left = remaining(key);
        Timer t = itimer(stop.process(), ITIMER_REAL);
        t.interval = 0;
        arm(key, seconds == 0 ? DISARMED : clocks.virtualNow() + seconds * Time.NANOS_PER_SECOND);
        long micros = left / 1000;
        long oldSeconds = micros / 1_000_000;
        if (oldSeconds == 0 && micros > 0 || micros % 1_000_000 >= 500_000) oldSeconds++; // as the kernel rounds
        return Disposition.emulate(oldSeconds);
    }

    private Disposition getitimer(SyscallStop stop, int which, long out) {
        if (itimerSignal(which) < 0) return Disposition.fail(Errno.EINVAL);
        return writeOrFault(stop, out, itimerval(stop.process(), which)) ? Disposition.emulate(0) : Disposition.fail(Errno.EFAULT);
    }

    private Disposition setitimer(SyscallStop stop, int which, long in, long out) {
        if (itimerSignal(which) < 0) return Disposition.fail(Errno.EINVAL);
        long interval = 0, value = 0; // a NULL new value disarms, as Linux allows
        if (in != 0) {
            Itimerval v = Itimerval.decodeOrNull(stop.memory().read(stop.tid(), in, Itimerval.SIZE));
            if (v == null) return Disposition.fail(Errno.EFAULT);
            if (!v.valid()) return Disposition.fail(Errno.EINVAL);
            interval = v.interval().toNanos();
            value = v.value().toNanos();
        }
        if (out != 0 && !writeOrFault(stop, out, itimerval(stop.process(), which))) return Disposition.fail(Errno.EFAULT);
        Timer t = itimer(stop.process(), which);
        t.interval = value == 0 ? 0 : interval;
        arm(new TimerKey(stop.process(), ITIMER, which), value == 0 ? DISARMED : saturatingAdd(clocks.virtualNow(), value));
        return Disposition.emulate(0);
    }

    private byte[] itimerval(ProcessId process, int which) {
        TimerKey key = new TimerKey(process, ITIMER, which);
        Timer t = timers.get(key);
        long left = remaining(key);
        return Itimerval.ofNanos(left == 0 || t == null ? 0 : t.interval, roundUpToMicros(left)).encode();
    }

    // ---- POSIX timers -------------------------------------------------------------------------------

    private TimerKey posixKey(SyscallStop stop, int id) {
        return new TimerKey(stop.process(), POSIX, id);
    }

    private Disposition timerCreate(SyscallStop stop, int clock, long sevp, long idOut) {
        if (!Time.validClock(clock) || clock == Time.CLOCK_MONOTONIC_RAW || clock == Time.CLOCK_REALTIME_COARSE
                || clock == Time.CLOCK_MONOTONIC_COARSE) {
            return Disposition.fail(Errno.EINVAL);
        }
        int id = nextTimerId.getOrDefault(stop.process(), 0);
        int signal = SIGALRM, thread = 0;
        long sigval = id;
        if (sevp != 0) {
            Sigevent ev = Sigevent.decodeOrNull(stop.memory().read(stop.tid(), sevp, Sigevent.USED_BYTES));
            if (ev == null) return Disposition.fail(Errno.EFAULT);
            sigval = ev.value();
            signal = ev.signal();
            int notify = ev.notification();
            if (notify == SIGEV_NONE) {
                signal = 0;
            } else if (notify == SIGEV_SIGNAL || notify == SIGEV_THREAD_ID) {
                if (signal <= 0 || signal > SIGRTMAX) return Disposition.fail(Errno.EINVAL);
                if (notify == SIGEV_THREAD_ID) {
                    thread = TaskState.hostThreadOf(stop.pid(), ev.threadId());
                    if (thread <= 0) return Disposition.fail(Errno.EINVAL); // not a thread of this process
                }
            } else {
                return Disposition.fail(Errno.EINVAL); // SIGEV_THREAD is glibc's; the kernel refuses it too
            }
        }
        byte[] idBytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array();
        if (idOut == 0 || !stop.memory().write(stop.tid(), idOut, idBytes)) return Disposition.fail(Errno.EFAULT);
        nextTimerId.put(stop.process(), id + 1);
        timers.put(posixKey(stop, id), new Timer(clock, signal, sigval, thread));
        return Disposition.emulate(0);
    }

    private Disposition timerSettime(SyscallStop stop, int id, int flags, long in, long out) {
        TimerKey key = posixKey(stop, id);
        Timer t = timers.get(key);
        if (t == null) return Disposition.fail(Errno.EINVAL);
        Itimerspec spec = in == 0 ? null : Itimerspec.decodeOrNull(stop.memory().read(stop.tid(), in, Itimerspec.SIZE));
        if (spec == null) return Disposition.fail(Errno.EFAULT);
        if (!spec.valid()) return Disposition.fail(Errno.EINVAL);
        long interval = spec.interval().toNanos(), value = spec.value().toNanos();
        if (out != 0 && !writeOrFault(stop, out, itimerspec(key))) return Disposition.fail(Errno.EFAULT);
        long now = clocks.virtualNow();
        long at = value == 0 ? DISARMED
                : (flags & Time.TIMER_ABSTIME) != 0 ? Math.max(now, clocks.toVirtual(t.clock, value)) : saturatingAdd(now, value);
        t.interval = value == 0 ? 0 : interval;
        t.overrun = 0;
        arm(key, at);
        return Disposition.emulate(0);
    }

    private Disposition timerGettime(SyscallStop stop, int id, long out) {
        TimerKey key = posixKey(stop, id);
        if (!timers.containsKey(key)) return Disposition.fail(Errno.EINVAL);
        return writeOrFault(stop, out, itimerspec(key)) ? Disposition.emulate(0) : Disposition.fail(Errno.EFAULT);
    }

    private byte[] itimerspec(TimerKey key) {
        Timer t = timers.get(key);
        long left = remaining(key);
        return Itimerspec.ofNanos(left == 0 ? 0 : t.interval, left).encode();
    }

    /** exec deletes the process's POSIX timers; its interval timers stay armed. */
    @Override
    public void onExec(ExecStop exec) {
        if (exec.process() == null) return;
        queue.disarmAll(exec.process(), POSIX);
        timers.keySet().removeIf(k -> k.owner().equals(exec.process()) && k.family().equals(POSIX));
        nextTimerId.remove(exec.process());
    }

    // ---- expiry -------------------------------------------------------------------------------------

    @Override
    public void onTimer(TimerKey key, long expiredAt, TimerDelivery delivery) {
        if (!key.family().equals(ITIMER) && !key.family().equals(POSIX)) return;
        Timer t = timers.get(key);
        if (t == null) return;
        long missed = 0;
        if (t.interval > 0) { // periodic: the periods that passed before this delivery count as overruns
            missed = (clocks.virtualNow() - expiredAt) / t.interval;
            arm(key, saturatingAdd(expiredAt, saturatingMultiply(missed + 1, t.interval)));
        }
        if (t.signal == 0) return; // SIGEV_NONE: only timer_gettime sees it
        if (delivery.pending(key.owner(), t.thread, t.signal)) {
            // Its last signal has not been taken yet: as in the kernel, no second one, one more overrun.
            t.overrun = (int) Math.min(DELAYTIMER_MAX, t.overrun + 1 + missed);
            return;
        }
        t.overrun = (int) Math.min(DELAYTIMER_MAX, missed);
        byte[] info = key.family().equals(POSIX) ? Siginfo.timer(t.signal, key.number(), t.overrun, t.sigval) : null;
        if (!delivery.signal(key.owner(), t.thread, t.signal, info) && t.thread == 0) dropProcess(key.owner());
    }

    private void arm(TimerKey key, long at) {
        if (at == DISARMED) queue.disarm(key);
        else queue.arm(key, at);
    }

    private void dropProcess(ProcessId process) {
        queue.disarmAll(process);
        timers.keySet().removeIf(k -> k.owner().equals(process));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** Nanoseconds until key expires (at least 1 while it is armed), 0 if it is not armed. */
    private long remaining(TimerKey key) {
        var at = queue.expiry(key);
        if (at.isEmpty()) return 0;
        return Math.max(1, at.getAsLong() - clocks.virtualNow());
    }

    private static long roundUpToMicros(long nanos) {
        return nanos == 0 ? 0 : (nanos + 999) / 1000 * 1000;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < a ? Long.MAX_VALUE - 1 : s;
    }

    private static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b), lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE - 1 : lo;
    }

    private static boolean writeOrFault(SyscallStop stop, long address, byte[] bytes) {
        return address != 0 && stop.memory().write(stop.tid(), address, bytes);
    }
}
