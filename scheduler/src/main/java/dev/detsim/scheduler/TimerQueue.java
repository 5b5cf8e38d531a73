package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Timers that belong to no waiting thread: each expires at a point on the virtual clock. They are deadlines
 * like a sleeping thread's: when every thread waits, the clock may jump to the earliest one, so a program
 * that waits in pause() for its alarm is not a deadlock. Expired timers are taken in (expiry, key) order,
 * which depends only on the program and the seed.
 */
public final class TimerQueue {
    /** A timer that has expired, and the point on the virtual clock it was armed for (no later than now). */
    public record Expired(TimerKey key, long at) {}

    private record Entry(long at, TimerKey key) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    private final TreeSet<Entry> byExpiry = new TreeSet<>();
    private final Map<TimerKey, Entry> byKey = new HashMap<>();

    /** Arms (or re-arms) key to expire when the virtual clock reaches at. */
    public void arm(TimerKey key, long at) {
        if (at < 0) throw new IllegalArgumentException("a timer cannot expire before the run began: " + at);
        disarm(key);
        Entry e = new Entry(at, key);
        byExpiry.add(e);
        byKey.put(key, e);
    }

    /** Disarms key; false if it was not armed. */
    public boolean disarm(TimerKey key) {
        Entry e = byKey.remove(key);
        if (e == null) return false;
        byExpiry.remove(e);
        return true;
    }

    /** Disarms every timer of owner (it exited); how many there were. */
    public int disarmAll(ProcessId owner) {
        return disarmWhere(owner, null);
    }

    /** Disarms every timer of owner in family (exec deletes POSIX timers); how many there were. */
    public int disarmAll(ProcessId owner, String family) {
        return disarmWhere(owner, family);
    }

    private int disarmWhere(ProcessId owner, String family) {
        List<TimerKey> gone = new ArrayList<>();
        for (TimerKey k : byKey.keySet()) {
            if (k.owner().equals(owner) && (family == null || k.family().equals(family))) gone.add(k);
        }
        gone.forEach(this::disarm);
        return gone.size();
    }

    /** When key expires, or empty if it is not armed. */
    public OptionalLong expiry(TimerKey key) {
        Entry e = byKey.get(key);
        return e == null ? OptionalLong.empty() : OptionalLong.of(e.at);
    }

    /** The earliest expiry of all armed timers, or empty. */
    public OptionalLong earliest() {
        return byExpiry.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byExpiry.first().at);
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    /**
     * Disarms and returns every timer that has expired by now, earliest first (ties in key order), each with
     * the expiry it was armed for (a periodic timer counts the periods missed since then).
     */
    public List<Expired> takeExpired(long now) {
        List<Expired> due = new ArrayList<>();
        while (!byExpiry.isEmpty() && byExpiry.first().at <= now) {
            Entry e = byExpiry.pollFirst();
            byKey.remove(e.key);
            due.add(new Expired(e.key, e.at));
        }
        return due;
    }
}
