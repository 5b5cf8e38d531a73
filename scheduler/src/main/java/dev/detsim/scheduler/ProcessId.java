package dev.detsim.scheduler;

/**
 * A traced process (thread group), by the virtual number the tracer gives it. It is the address space
 * that private futexes are keyed by, the fd table that readiness waits name, and the parent that child-exit
 * waits belong to.
 */
public record ProcessId(int value) implements Comparable<ProcessId> {
    public ProcessId {
        if (value <= 0) throw new IllegalArgumentException("process ids start at 1, got " + value);
    }

    public static ProcessId of(int value) {
        return new ProcessId(value);
    }

    // Written out: a record's generated equals/hashCode is bootstrapped through invokedynamic at its first
    // call in every run (the AOT cache does not keep it), which cost the tracer's first turns milliseconds.
    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessId other && value == other.value;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(value);
    }

    @Override
    public int compareTo(ProcessId other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "process " + value;
    }
}
