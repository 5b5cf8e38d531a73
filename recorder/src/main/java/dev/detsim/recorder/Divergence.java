package dev.detsim.recorder;

import java.util.List;
import java.util.Optional;

/** Where two runs' event logs part: the first event that differs, with context from each side. */
public record Divergence(long index, List<Event> contextA, List<Event> contextB) {
    /**
     * The first divergent event of a and b (comparing thread, kind and detail), or empty when both logs
     * are the same sequence. A log that is a prefix of the other diverges where it ends.
     *
     * @param context how many events before the divergent one to include from each side
     */
    public static Optional<Divergence> find(List<Event> a, List<Event> b, int context) {
        int n = Math.min(a.size(), b.size());
        int i = 0;
        while (i < n && same(a.get(i), b.get(i))) i++;
        if (i == n && a.size() == b.size()) return Optional.empty();
        int from = Math.max(0, i - context);
        return Optional.of(new Divergence(i, a.subList(from, Math.min(a.size(), i + 1)),
                b.subList(from, Math.min(b.size(), i + 1))));
    }

    private static boolean same(Event x, Event y) {
        return x.thread() == y.thread() && x.kind().equals(y.kind()) && x.detail().equals(y.detail());
    }
}
