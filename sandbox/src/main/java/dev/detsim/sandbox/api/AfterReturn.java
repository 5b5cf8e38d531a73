package dev.detsim.sandbox.api;

/**
 * What the program sees when a call a handler let through returns ({@link SyscallStop#afterReturn}): the
 * kernel's result, another value, or the same call made again with other arguments (its handlers are asked
 * again at its entry, so it may wait there; a blocking pipe write runs a page at a time this way).
 */
public sealed interface AfterReturn {
    AfterReturn KEEP = new Keep();

    static AfterReturn value(long value) {
        return new Value(value);
    }

    /** The call again, with all six arguments as given. */
    static AfterReturn again(long... arguments) {
        if (arguments.length != 6) throw new IllegalArgumentException("give all six arguments");
        return new Again(arguments.clone());
    }

    record Keep() implements AfterReturn {}

    record Value(long value) implements AfterReturn {}

    record Again(long[] arguments) implements AfterReturn {}
}
