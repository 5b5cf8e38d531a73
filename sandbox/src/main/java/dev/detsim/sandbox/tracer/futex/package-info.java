/**
 * The futex fast path, the tracer's {@link dev.detsim.sandbox.tracer.Accelerator}: Go's futex wakes run in the
 * kernel without a stop while detsim watches the words of the waits they end, and a futex answered 0 costs one
 * register write. Kept out of the dispatcher, which sees only the Accelerator interface.
 */
package dev.detsim.sandbox.tracer.futex;
