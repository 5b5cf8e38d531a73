package dev.detsim.recorder;

import java.util.HexFormat;
import java.util.List;

/**
 * Replay's check: every event must have the chain value the recording has at its index. The chain covers all
 * events before it too, so the first event whose value differs is where the run parted from the recording.
 */
public final class ExpectedEvents implements EventCheck {
    /** How many of the recording's events before the divergent one a report shows. */
    public static final int CONTEXT = 3;

    private final List<Event> expected;
    private final byte[][] chains;
    /** Or, instead of chains, each event's canonical line: equal lines up to an event make equal chains there. */
    private final byte[][] lines;

    public ExpectedEvents(List<Event> expected) {
        this.expected = expected;
        this.chains = new byte[expected.size()][];
        this.lines = null;
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < chains.length; i++) chains[i] = hex.parseHex(expected.get(i).chain());
    }

    private ExpectedEvents(List<Event> expected, byte[][] lines) {
        this.expected = expected;
        this.chains = null;
        this.lines = lines;
    }

    /**
     * A check by lines, for events whose chain was checked already (replay's, read by {@link
     * RecordedEvents#readLines}): the run's event must have the recorded line, which makes its chain value the
     * recorded one without recomputing the recording's chain.
     */
    public static ExpectedEvents byLines(List<Event> expected) {
        byte[][] lines = new byte[expected.size()][];
        for (int i = 0; i < lines.length; i++) {
            Event e = expected.get(i);
            lines[i] = (e.seq() + "\t" + e.thread() + "\t" + e.kind() + "\t" + e.detail())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new ExpectedEvents(expected, lines);
    }

    public int size() {
        return expected.size();
    }

    @Override
    public void appended(long index, byte[] chain, EventLine line) {
        if (lines != null) {
            if (index < lines.length && java.util.Arrays.equals(lines[(int) index], 0, lines[(int) index].length,
                    line.bytes(), 0, line.length())) {
                return;
            }
        } else if (index < chains.length && java.util.Arrays.equals(chains[(int) index], chain)) {
            return;
        }
        throw new ReplayDivergence(index, index < expected.size() ? expected.get((int) index) : null,
                parse(line, HexFormat.of().formatHex(chain)), context(index));
    }

    @Override
    public void ended(long count) {
        if (count == expected.size()) return;
        throw new ReplayDivergence(count, expected.get((int) Math.min(count, expected.size() - 1)), null, context(count));
    }

    private List<Event> context(long index) {
        int end = (int) Math.min(index, expected.size());
        return List.copyOf(expected.subList(Math.max(0, end - CONTEXT), end));
    }

    /** The run's event from its canonical line (seq, thread, kind, detail, escaped as in the file). */
    private static Event parse(EventLine line, String chain) {
        String[] f = line.toString().split("\t", 4);
        return new Event(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2], f.length > 3 ? f[3] : "", chain);
    }
}
