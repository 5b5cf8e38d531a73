package dev.detsim.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One preemption by the wall-clock watchdog, as a recording keeps it (the "preemptions" section,
 * docs/RECORDING.md) so that replay can preempt the thread at the same point: the same instruction, with the
 * same registers, at the same event.
 *
 * @param event the index of the preemption's event in the log
 * @param thread the preempted thread's number in the log
 * @param costNanos the virtual time the preemption cost (the host time the thread had run)
 * @param instruction the instruction pointer where the thread stopped
 * @param registers the thread's user-mode registers there (the arch's comparable form), or null when it was
 *     stopped in the kernel, in a call, where no instruction marks the point
 * @param stack a digest of the memory around its stack pointer (hex), or null (with no registers, or unreadable)
 */
public record RecordedPreemption(long event, int thread, long costNanos, long instruction, long[] registers,
                                 String stack) {
    /** The section's first line. */
    public static final String HEADER = "# detsim recorded preemptions v1";

    /** Whether replay can find the point again (the thread was in user code). */
    public boolean replayable() {
        return registers != null;
    }

    /** One line: event, thread, cost, instruction (hex), registers (hex words joined by ','), stack; '-' for none. */
    public String line() {
        StringBuilder b = new StringBuilder().append(event).append('\t').append(thread).append('\t').append(costNanos)
                .append('\t').append(Long.toHexString(instruction)).append('\t');
        if (registers == null) b.append('-');
        else for (int i = 0; i < registers.length; i++) b.append(i == 0 ? "" : ",").append(Long.toHexString(registers[i]));
        return b.append('\t').append(stack == null ? "-" : stack).toString();
    }

    /** Parses a line of {@link #line}. */
    public static RecordedPreemption parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 6) throw new IllegalArgumentException("expected 6 tab-separated fields, got " + f.length);
        long[] regs = null;
        if (!f[4].equals("-")) {
            String[] words = f[4].split(",");
            regs = new long[words.length];
            for (int i = 0; i < words.length; i++) regs[i] = Long.parseUnsignedLong(words[i], 16);
        }
        if (!f[5].equals("-") && !f[5].matches("[0-9a-f]{16}")) throw new IllegalArgumentException("bad stack digest");
        return new RecordedPreemption(Long.parseLong(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]),
                Long.parseUnsignedLong(f[3], 16), regs, f[5].equals("-") ? null : f[5]);
    }

    /** The section's text: the header, then a line each. */
    public static String write(List<RecordedPreemption> preemptions) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (RecordedPreemption p : preemptions) b.append(p.line()).append('\n');
        return b.toString();
    }

    /** Reads a section's text (or a file of lines a run wrote), in event order; one line says what is wrong. */
    public static List<RecordedPreemption> read(InputStream in) throws IOException {
        List<RecordedPreemption> all = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        if (!HEADER.equals(header)) throw new IOException("does not begin with '" + HEADER + "'");
        int n = 1;
        for (String line; (line = r.readLine()) != null; ) {
            n++;
            try {
                RecordedPreemption p = parse(line);
                if (!all.isEmpty() && p.event() <= all.get(all.size() - 1).event()) {
                    throw new IllegalArgumentException("events out of order");
                }
                all.add(p);
            } catch (RuntimeException e) {
                throw new IOException("line " + n + ": " + e.getMessage());
            }
        }
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedPreemption p && p.event == event && p.thread == thread && p.costNanos == costNanos
                && p.instruction == instruction && java.util.Arrays.equals(p.registers, registers)
                && java.util.Objects.equals(p.stack, stack);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(event) * 31 + thread;
    }

    @Override
    public String toString() {
        return line();
    }

}
