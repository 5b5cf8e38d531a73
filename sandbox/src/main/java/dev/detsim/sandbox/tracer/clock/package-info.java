/**
 * The clocks a program reads without a syscall, made virtual: the vDSO's time functions patched to read a
 * clock page detsim updates each turn ({@link dev.detsim.sandbox.tracer.clock.Vdso}), and rdtsc, trapped or
 * patched in Go binaries and answered from virtual time ({@link dev.detsim.sandbox.tracer.clock.TimeStampCounter}).
 * They prepare each new program as {@link dev.detsim.sandbox.tracer.ProcessListener}s.
 */
package dev.detsim.sandbox.tracer.clock;
