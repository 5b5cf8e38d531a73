package dev.detsim.scheduler;

import java.util.Comparator;

/**
 * Names one armed timer of a process: an interval timer (alarm, setitimer), a POSIX timer (timer_create) or
 * a timerfd. The scheduler only orders and expires them; what a timer does when it expires is the tracer's
 * business.
 *
 * @param owner the process the timer belongs to (its timers die with it)
 * @param family which kind of timer, as the handler that armed it names it ("itimer", "posix", "timerfd")
 * @param number the timer within its family and process (which, the timer id, the fd)
 */
public record TimerKey(ProcessId owner, String family, int number) implements Comparable<TimerKey> {
    private static final Comparator<TimerKey> ORDER = Comparator.comparing(TimerKey::owner)
            .thenComparing(TimerKey::family).thenComparingInt(TimerKey::number);

    public TimerKey {
        if (owner == null || family == null || family.isEmpty()) throw new IllegalArgumentException("a timer needs an owner and a family");
    }

    @Override
    public int compareTo(TimerKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return family + " " + number + " of " + owner;
    }
}
