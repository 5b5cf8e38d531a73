package dev.detsim.sandbox.tracer;

/**
 * What keeps state per traced process or prepares each new program (patched rdtsc sites, the vDSO and its
 * clock page, the Go futex filter) hears of processes coming and going here, instead of being called by name
 * from the tracer. Listeners are told in the order they were added.
 */
public interface ProcessListener {
    /** Process childTgid was forked from parentTgid: it starts with a copy of the parent's memory. */
    void forked(int parentTgid, int childTgid);

    /**
     * A thread exec'd a new program and is stopped before its first instruction, after the handlers' exec
     * hooks: the listener may change the program or refuse it ({@link NewProgram#refuse}).
     */
    void execed(NewProgram program);

    /** Process tgid is gone. */
    void exited(int tgid);
}
