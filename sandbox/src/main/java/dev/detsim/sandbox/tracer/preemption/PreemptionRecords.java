package dev.detsim.sandbox.tracer.preemption;

import dev.detsim.recorder.RecordedPreemption;
import java.util.ArrayList;
import java.util.List;

/**
 * What record and replay need of a run's watchdog preemptions: those to replay (a recording's), and those this
 * run made, kept for a recording.
 */
public final class PreemptionRecords {
    private final List<RecordedPreemption> toReplay;
    private final List<RecordedPreemption> made = new ArrayList<>();
    private final boolean keeping;
    private final boolean replaying;

    /** toReplay: a recording's (empty: none); keeping: keep this run's for a recording. */
    public PreemptionRecords(List<RecordedPreemption> toReplay, boolean keeping) {
        this(toReplay, keeping, !toReplay.isEmpty());
    }

    /** replaying: this run replays a recording (whose preemptions are toReplay, maybe none). */
    public PreemptionRecords(List<RecordedPreemption> toReplay, boolean keeping, boolean replaying) {
        this.toReplay = List.copyOf(toReplay);
        this.keeping = keeping;
        this.replaying = replaying || !toReplay.isEmpty();
    }

    /** Whether this run replays a recording: no watchdog preemption but the recorded ones (Preemptions). */
    public boolean replaying() {
        return replaying;
    }

    public List<RecordedPreemption> toReplay() {
        return toReplay;
    }

    public boolean keeping() {
        return keeping;
    }

    /** The run made a watchdog preemption (tracer thread). */
    public void made(RecordedPreemption p) {
        if (keeping) made.add(p);
    }

    /** This run's watchdog preemptions, in event order (after the run). */
    public List<RecordedPreemption> made() {
        return List.copyOf(made);
    }
}
