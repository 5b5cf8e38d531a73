package dev.detsim.recorder;

import java.util.List;

/**
 * A replayed run parted from its recording at event index: expected is the recording's event there (null if
 * the recording had ended), actual the run's (null if the run ended first); before are the recording's events
 * just before it, for context. Thrown by {@link ExpectedEvents} from inside the run, which it ends.
 */
public final class ReplayDivergence extends RuntimeException {
    private final long index;
    private final transient Event expected;
    private final transient Event actual;
    private final transient List<Event> before;

    ReplayDivergence(long index, Event expected, Event actual, List<Event> before) {
        super("replay diverged at event #" + index, null, false, false);
        this.index = index;
        this.expected = expected;
        this.actual = actual;
        this.before = before;
    }

    public long index() {
        return index;
    }

    public Event expected() {
        return expected;
    }

    public Event actual() {
        return actual;
    }

    public List<Event> before() {
        return before;
    }
}
