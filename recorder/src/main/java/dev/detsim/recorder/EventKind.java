package dev.detsim.recorder;

/**
 * Every kind of event the tracer records (docs/EVENT-LOG.md's table, which a test holds against this list).
 * The label is what the log's kind field says.
 */
public enum EventKind {
    EXEC("exec"),
    SYSCALL("syscall"),
    SIGNAL("signal"),
    CLONE("clone"),
    FORK("fork"),
    EXIT("exit"),
    EXIT_GROUP("exit_group"),
    TIMER("timer"),
    CLOCK("clock"),
    PREEMPT("preempt"),
    DEADLOCK("deadlock");

    private final String label;

    EventKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
