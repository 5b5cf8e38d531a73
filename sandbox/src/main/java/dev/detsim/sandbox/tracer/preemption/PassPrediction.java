package dev.detsim.sandbox.tracer.preemption;

/**
 * How many passes of a loop's instruction lie between a thread's state now and a recorded state, judged from
 * how one pass changed it: a loop that counts in registers (a spin count, a pointer that steps) moves each such
 * register by the same amount every pass, so the recorded pass is k passes ahead when every changing register
 * is k of its steps from its recorded value and every other register already has it. The flags word is left
 * out (a count's parity or sign flags do not step); the final match compares it like everything else.
 */
final class PassPrediction {
    private PassPrediction() {}

    /**
     * Passes from {@code now} to {@code recorded} (≥ 1), given the state one pass before ({@code before}); negative
     * when the recorded state lies that many passes behind (a free run went past it); 0 when no single k fits
     * every register, or when no register changed (passes look alike: nothing to count).
     */
    static long passesAhead(long[] before, long[] now, long[] recorded, int flagsWord) {
        if (before.length != now.length || now.length != recorded.length) return 0;
        long k = 0;
        for (int i = 0; i < now.length; i++) {
            if (i == flagsWord) continue;
            long step = now[i] - before[i]; // two's complement: a count that wraps still steps alike
            long left = recorded[i] - now[i];
            if (step == 0) {
                if (left != 0) return 0;
                continue;
            }
            if (left % step != 0) return 0;
            long ki = left / step;
            if (ki == 0 || k != 0 && ki != k) return 0;
            k = ki;
        }
        return k;
    }
}
