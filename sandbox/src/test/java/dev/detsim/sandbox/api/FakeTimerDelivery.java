package dev.detsim.sandbox.api;

import dev.detsim.scheduler.ProcessId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TimerDelivery} that records the signals sent. A signal sent stays pending until the test
 * {@link #take takes} it (the program's handler ran), so a second expiry meanwhile sees it pending.
 */
public final class FakeTimerDelivery implements TimerDelivery {
    public record Sent(ProcessId process, int thread, int signal, byte[] siginfo) {}

    private final List<Sent> sent = new ArrayList<>();
    private final Set<String> pending = new HashSet<>();
    private final Map<ProcessId, Integer> threads = new HashMap<>();
    private final Set<ProcessId> gone = new HashSet<>();
    private final Descriptors descriptors;

    public FakeTimerDelivery(Descriptors descriptors) {
        this.descriptors = descriptors;
    }

    /** process's live thread, for anyThreadOf. */
    public FakeTimerDelivery thread(ProcessId process, int tid) {
        threads.put(process, tid);
        return this;
    }

    /** process has exited: signals to it fail, anyThreadOf says 0. */
    public FakeTimerDelivery gone(ProcessId process) {
        gone.add(process);
        threads.remove(process);
        return this;
    }

    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** The program took signal (its handler ran): it is no longer pending. */
    public void take(ProcessId process, int thread, int signal) {
        pending.remove(key(process, thread, signal));
    }

    private static String key(ProcessId process, int thread, int signal) {
        return process.value() + "/" + thread + "/" + signal;
    }

    @Override
    public boolean signal(ProcessId process, int thread, int signal, byte[] siginfo) {
        if (gone.contains(process)) return false;
        sent.add(new Sent(process, thread, signal, siginfo == null ? null : siginfo.clone()));
        pending.add(key(process, thread, signal));
        return true;
    }

    @Override
    public boolean pending(ProcessId process, int thread, int signal) {
        return pending.contains(key(process, thread, signal));
    }

    @Override
    public int anyThreadOf(ProcessId process) {
        return threads.getOrDefault(process, 0);
    }

    @Override
    public Descriptors descriptors() {
        return descriptors;
    }
}
