package dev.detsim.sandbox.api;

import dev.detsim.scheduler.ProcessId;

/** An {@link ExecStop} a test makes: a thread at a new program's first instruction, its stack in memory. */
public record FakeExecStop(int tid, ProcessId process, long stackPointer, GuestMemory memory) implements ExecStop {}
