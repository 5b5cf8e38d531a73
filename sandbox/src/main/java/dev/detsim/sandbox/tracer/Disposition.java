package dev.detsim.sandbox.tracer;

/** What the tracer does with a syscall a handler decided: let the kernel run it, or answer it itself. */
public sealed interface Disposition {
    /** The kernel runs the syscall as the tracee asked. */
    Disposition PASSTHROUGH = new Passthrough();

    /** The kernel skips the syscall; the tracee sees value as its result. */
    static Disposition emulate(long value) {
        return new Emulate(value);
    }

    /** The kernel skips the syscall; the tracee sees -1 with errno set to errno. */
    static Disposition fail(int errno) {
        return new Emulate(-errno);
    }

    record Passthrough() implements Disposition {}

    record Emulate(long value) implements Disposition {}
}
