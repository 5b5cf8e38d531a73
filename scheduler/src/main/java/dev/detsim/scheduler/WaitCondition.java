package dev.detsim.scheduler;

import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Poll.POLLOUT;
import static dev.detsim.abi.Poll.POLLPRI;

import dev.detsim.abi.Futex;
import dev.detsim.abi.Poll;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a BLOCKED thread waits for. Futex waits are the scheduler's own business (it owns the queues and
 * knows exactly when they are satisfied); every other kind is the tracer's: the scheduler only parks the
 * thread and, when the tracer says the condition may now hold, makes it runnable so the tracer re-tries
 * the syscall (see {@link WakeUp.Cause#MAY_BE_READY}).
 */
public sealed interface WaitCondition {
    /** One line for a deadlock report, in the guest's terms. */
    String describe();

    /** FUTEX_WAIT / FUTEX_WAIT_BITSET. */
    record FutexWait(FutexKey key, int bitset) implements WaitCondition {
        @Override
        public String describe() {
            return bitset == Futex.FUTEX_BITSET_MATCH_ANY ? "wait on " + key
                    : "wait on " + key + " bitset 0x" + Integer.toHexString(bitset);
        }
    }

    /**
     * poll / select / epoll_wait / a blocking read, write, accept or connect: some fds of one fd table
     * becoming ready.
     *
     * @param process the process whose fd table the numbers belong to
     */
    record Readiness(ProcessId process, List<Interest> interests) implements WaitCondition {
        /** One fd and the poll(2) events ({@link Poll#POLLIN}, POLLOUT, ...) wanted on it. */
        public record Interest(int fd, int events) {}

        public Readiness {
            interests = List.copyOf(interests);
            if (interests.isEmpty()) throw new IllegalArgumentException("a readiness wait needs at least one fd");
        }

        public static Readiness of(ProcessId process, int fd, int events) {
            return new Readiness(process, List.of(new Interest(fd, events)));
        }

        boolean matches(ProcessId p, int fd, int events) {
            if (!process.equals(p)) return false;
            for (Interest i : interests) {
                if (i.fd == fd && (events & (i.events | Poll.ALWAYS_REPORTED)) != 0) return true;
            }
            return false;
        }

        @Override
        public String describe() {
            return interests.stream()
                    .map(i -> "fd " + i.fd + " " + eventNames(i.events))
                    .collect(Collectors.joining(", ", "wait for ", " of " + process));
        }

        private static String eventNames(int events) {
            StringBuilder s = new StringBuilder();
            if ((events & POLLIN) != 0) s.append("readable");
            if ((events & POLLOUT) != 0) s.append(s.isEmpty() ? "" : "|").append("writable");
            if ((events & POLLPRI) != 0) s.append(s.isEmpty() ? "" : "|").append("priority");
            return s.isEmpty() ? "events 0x" + Integer.toHexString(events) : s.toString();
        }
    }

    /** wait4 / waitid / waitpid: a child of the waiting thread's process exiting. Empty child means any. */
    record ChildExit(Optional<ProcessId> child) implements WaitCondition {
        public static ChildExit any() {
            return new ChildExit(Optional.empty());
        }

        public static ChildExit of(ProcessId child) {
            return new ChildExit(Optional.of(child));
        }

        boolean matches(ProcessId exited) {
            return child.isEmpty() || child.get().equals(exited);
        }

        @Override
        public String describe() {
            return child.map(c -> "wait for child " + c + " to exit").orElse("wait for any child to exit");
        }
    }

    /**
     * pause / sigsuspend / rt_sigtimedwait: a signal arriving.
     *
     * @param mask the awaited signals as a kernel sigset (bit signo-1); all ones for "any"
     */
    record Signal(long mask) implements WaitCondition {
        public static Signal any() {
            return new Signal(-1L);
        }

        @Override
        public String describe() {
            return mask == -1L ? "wait for any signal" : "wait for a signal in mask 0x" + Long.toHexString(mask);
        }
    }

    /**
     * flock, fcntl F_SETLKW / F_OFD_SETLKW: a file lock that another holder must release. The tracer retries
     * such waits after other threads have made progress (a lock is released by some syscall of theirs).
     *
     * @param kind "flock", "posix" or "ofd"
     */
    record FileLock(ProcessId process, int fd, String kind) implements WaitCondition {
        @Override
        public String describe() {
            return "wait for a " + kind + " lock on fd " + fd + " of " + process;
        }
    }

    /**
     * io_getevents / io_pgetevents: completions of kernel AIO requests that some thread has yet to submit (what
     * was already submitted detsim lets complete first). Retried, like file locks, after other threads ran.
     *
     * @param context the aio_context_t (the address of the completion ring in the process)
     * @param wanted the call's min_nr
     */
    record AioCompletion(ProcessId process, long context, long wanted) implements WaitCondition {
        @Override
        public String describe() {
            return "wait for " + wanted + " AIO completion" + (wanted == 1 ? "" : "s") + " on context 0x"
                    + Long.toHexString(context) + " of " + process;
        }
    }

    /** connect on a unix socket whose listener's backlog is full: another thread must accept. Retried after progress. */
    record Connect(ProcessId process, int fd) implements WaitCondition {
        @Override
        public String describe() {
            return "wait to connect fd " + fd + " of " + process + " (the listener's backlog is full)";
        }
    }

    /**
     * Waits that end through another thread's syscall the tracer cannot name (an unlock, an io_submit, an
     * accept): retried after progress.
     */
    static boolean retriedAfterProgress(WaitCondition c) {
        return c instanceof FileLock || c instanceof AioCompletion || c instanceof Connect;
    }

    /** nanosleep / clock_nanosleep: only the deadline ends it (or a signal). */
    record Sleep() implements WaitCondition {
        @Override
        public String describe() {
            return "sleep";
        }
    }
}
