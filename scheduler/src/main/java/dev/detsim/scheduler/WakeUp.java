package dev.detsim.scheduler;

import dev.detsim.abi.Errno;
import java.util.OptionalLong;

/**
 * Why a blocked thread stopped waiting, handed to the tracer with the {@link Decision.Run} that resumes it,
 * so the tracer can finish the thread's pending syscall.
 *
 * @param condition what it waited on
 * @param deadline the deadline it had (for nanosleep's remaining time after EINTR, or a retry's timeout)
 */
public record WakeUp(WaitCondition condition, Cause cause, Deadline deadline) {
    public enum Cause {
        /** A futex wake or requeue-wake picked it: FUTEX_WAIT returns 0. */
        WOKEN,
        /** Its virtual deadline passed. */
        DEADLINE_PASSED,
        /** A signal is to be handled: the syscall returns EINTR (the tracer decides on restarts). */
        INTERRUPTED,
        /** The tracer said the condition may hold now: re-run the syscall; block it again if it still waits. */
        MAY_BE_READY
    }

    /**
     * The value the pending syscall returns, when the scheduler knows it: futex waits (0, -ETIMEDOUT, -EINTR),
     * sleeps (0, -EINTR) and any interrupted wait (-EINTR). Empty means the tracer re-runs the syscall:
     * after MAY_BE_READY, or after the deadline of a poll, waitid or sigtimedwait whose timeout answer only
     * the tracer knows (0 ready fds, EAGAIN...).
     */
    public OptionalLong syscallReturn() {
        return switch (cause) {
            case INTERRUPTED -> OptionalLong.of(-Errno.EINTR);
            case WOKEN -> OptionalLong.of(0);
            case DEADLINE_PASSED -> switch (condition) {
                case WaitCondition.FutexWait f -> OptionalLong.of(-Errno.ETIMEDOUT);
                case WaitCondition.Sleep s -> OptionalLong.of(0);
                default -> OptionalLong.empty();
            };
            case MAY_BE_READY -> OptionalLong.empty();
        };
    }
}
