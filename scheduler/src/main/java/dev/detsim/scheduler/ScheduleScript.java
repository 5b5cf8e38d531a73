package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * A schedule as explicit data: the decisions (counted from 0, one per {@link SchedulingPolicy#choose} call)
 * at which a thread other than the one {@link Continuation} expects ran. A run's schedule is fully given by
 * its seed-free script, so a script can be kept, edited and shortened (the base of shrinking a failing
 * schedule). Text form: "decision:thread" pairs separated by commas, e.g. "12:3,40:1"; empty for none.
 */
public record ScheduleScript(List<Switch> switches) {
    /** At decision, thread ran instead of the expected one. */
    public record Switch(long decision, ThreadId thread) {}

    public ScheduleScript {
        switches = List.copyOf(switches);
        for (int i = 1; i < switches.size(); i++) {
            if (switches.get(i).decision() <= switches.get(i - 1).decision()) {
                throw new IllegalArgumentException("switches must be in increasing decision order: " + switches);
            }
        }
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException with a message for the user when text is not one
     */
    public static ScheduleScript parse(String text) {
        List<Switch> switches = new ArrayList<>();
        String t = text.strip();
        if (t.isEmpty()) return new ScheduleScript(switches);
        for (String pair : t.split(",")) {
            String[] parts = pair.strip().split(":");
            try {
                if (parts.length != 2) throw new NumberFormatException();
                long decision = Long.parseLong(parts[0]);
                if (decision < 0) throw new NumberFormatException();
                switches.add(new Switch(decision, ThreadId.of(Integer.parseInt(parts[1]))));
            } catch (IllegalArgumentException e) { // NumberFormatException, or a thread id below 1
                throw new IllegalArgumentException("schedule: '" + pair.strip() + "' is not DECISION:THREAD");
            }
        }
        return new ScheduleScript(switches);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Switch w : switches) {
            if (!s.isEmpty()) s.append(',');
            s.append(w.decision()).append(':').append(w.thread().value());
        }
        return s.toString();
    }
}
