package dev.detsim.feasibility;

import java.time.Duration;

/**
 * The run's time budget (host clock): every step's timeout is cut to what is left, and once it is used up the
 * remaining steps do not run (their rows say so). This is what keeps the whole run within its promised time
 * even when runs under detsim hang.
 */
final class Budget {
    private final Duration total;
    private final long deadline;

    Budget(Duration total) {
        this.total = total;
        this.deadline = System.nanoTime() + total.toNanos();
    }

    Duration total() {
        return total;
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    boolean exhausted() {
        return remaining().isZero();
    }

    /** {@code timeout}, or less if less is left. */
    Duration cap(Duration timeout) {
        Duration left = remaining();
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    /** The reason given for a step that could not run. */
    String exhaustedReason() {
        return "not run: the run's time budget (" + total.toSeconds() + " s) was used up";
    }
}
