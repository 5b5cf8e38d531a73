package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which chaos policy a run uses, as a user writes it: "swarm" (the default: the seed draws the kind and all
 * its parameters), or a kind with some leading parameters pinned and the rest drawn from the seed:
 * "pct", "pct:3", "pct:3:10000", "random", "rr", "rr:4", "sticky", "sticky:16".
 *
 * <p>The draw uses its own random stream; the policy's choices use one started from the seed itself. So the
 * spec a policy describes itself with, given with the same seed, repeats the run exactly, whether that seed's
 * policy was drawn or pinned.
 *
 * @param kind the pinned kind, or null for swarm
 * @param pinned the leading parameters given, at most as many as the kind has
 */
public record ChaosSpec(ChaosKind kind, List<Long> pinned) {
    public static final ChaosSpec SWARM = new ChaosSpec(null, List.of());

    /** Separates the draw's random stream from the choices' ("swarm" in ASCII). */
    private static final long DRAW_SALT = 0x737761726dL;
    private static final int MAX_DEPTH = 1_000;

    public ChaosSpec {
        pinned = List.copyOf(pinned);
        if (kind == null && !pinned.isEmpty()) throw new IllegalArgumentException("swarm takes no parameters");
        if (kind != null && pinned.size() > kind.parameters().size()) {
            throw new IllegalArgumentException(kind.specName() + " takes at most " + kind.parameters().size()
                    + " parameters (" + String.join(", ", kind.parameters()) + "), got " + pinned.size());
        }
        if (kind == ChaosKind.PCT) {
            if (pinned.size() > 0 && (pinned.get(0) < 1 || pinned.get(0) > MAX_DEPTH)) {
                throw new IllegalArgumentException("pct's depth must be 1.." + MAX_DEPTH + ", not " + pinned.get(0));
            }
            if (pinned.size() > 1 && pinned.get(1) < Math.max(1, pinned.get(0) - 1)) {
                throw new IllegalArgumentException("pct's horizon must be at least " + Math.max(1, pinned.get(0) - 1)
                        + " turns for depth " + pinned.get(0) + ", not " + pinned.get(1));
            }
        } else if (kind != null && !pinned.isEmpty() && (pinned.get(0) < 1 || pinned.get(0) > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(kind.specName() + "'s " + kind.parameters().get(0) + " must be 1.."
                    + Integer.MAX_VALUE + ", not " + pinned.get(0));
        }
    }

    /**
     * Reads a spec.
     *
     * @throws IllegalArgumentException with a message for the user when text is not one
     */
    public static ChaosSpec parse(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts[0].equals("swarm") && parts.length == 1) return SWARM;
        ChaosKind kind = ChaosKind.named(parts[0]);
        if (kind == null) {
            List<String> names = new ArrayList<>(List.of("swarm"));
            for (ChaosKind k : ChaosKind.values()) names.add(k.specName());
            throw new IllegalArgumentException("unknown chaos policy '" + text + "': one of " + String.join(", ", names)
                    + ", with optional :N parameters");
        }
        List<Long> pinned = new ArrayList<>();
        for (String p : Arrays.asList(parts).subList(1, parts.length)) {
            try {
                pinned.add(Long.parseLong(p));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("chaos policy '" + text + "': '" + p + "' is not a number");
            }
        }
        return new ChaosSpec(kind, pinned);
    }

    /** The policy for this seed: the drawn or pinned kind with the drawn or pinned parameters. */
    public SchedulingPolicy policy(long seed) {
        SplitMix64 draw = new SplitMix64(seed ^ DRAW_SALT);
        ChaosKind k = kind != null ? kind : ChaosKind.values()[draw.nextInt(ChaosKind.values().length)];
        // Every parameter is drawn, pinned or not, so a pinned one does not shift the draw of the next.
        return switch (k) {
            case PCT -> {
                int depth = (int) parameter(0, 2 + draw.nextInt(9)); // 2..10
                long horizon = parameter(1, 1L << (7 + draw.nextInt(10))); // 128..65,536 turns
                yield new PctPolicy(seed, depth, Math.max(horizon, depth - 1));
            }
            case RANDOM -> new UniformPolicy(seed);
            case SLICES -> new RandomSlicePolicy(seed, (int) parameter(0, 1L << draw.nextInt(7))); // 1..64
            case STICKY -> new StickyPolicy(seed, (int) parameter(0, 2L << draw.nextInt(7))); // 2..128
        };
    }

    private long parameter(int index, long drawn) {
        return index < pinned.size() ? pinned.get(index) : drawn;
    }

    @Override
    public String toString() {
        return kind == null ? "swarm" : kind.spec(pinned.stream().mapToLong(Long::longValue).toArray());
    }
}
