package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOTHREAD;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventLine;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.abi.Errno;
import dev.detsim.abi.Signals;
import dev.detsim.scheduler.ProcessId;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread stopped right after a successful execve, at the first instruction of the new program, with its
 * registers loaded: handlers see its stack (argc, argv, envp and the auxiliary vector, which they may
 * rewrite), detsim's listeners prepare the program, running syscalls in the thread where they need to.
 */
final class PtraceExecStop implements NewProgram {
    private record Note(String name, long value) {}

    private final TracedRun run;
    private final Exits exits;
    private Tracee thread;
    /** Why the program was refused, or null. */
    String refusal;
    private final List<Note> notes = new ArrayList<>();
    /** The registers of a thread detsim runs an injected syscall in, to restore after it (one buffer per run). */
    private MemorySegment savedRegs;

    PtraceExecStop(TracedRun run, Exits exits) {
        this.run = run;
        this.exits = exits;
    }

    /** Thread t exec'd (its registers are to be loaded into run.regs). */
    void begin(Tracee t) {
        thread = t;
        refusal = null;
        notes.clear();
    }

    @Override
    public int tid() {
        return thread.tid;
    }

    @Override
    public int tgid() {
        return thread.tgid;
    }

    /** The process that exec'd (its virtual number stays; its POSIX timers are gone, its itimers stay). */
    @Override
    public ProcessId process() {
        return thread.process;
    }

    @Override
    public long stackPointer() {
        return run.regs.stackPointer();
    }

    @Override
    public long instructionPointer() {
        return run.regs.instructionPointer();
    }

    @Override
    public boolean compatMode() {
        return run.arch.compatMode(run.regs.raw());
    }

    @Override
    public GuestMemory memory() {
        return run.memory;
    }

    @Override
    public String path() {
        return TracedRun.programOf(thread.tid);
    }

    @Override
    public boolean gone() {
        return run.threads.get(thread.tid) != thread;
    }

    @Override
    public void note(String name, long value) {
        notes.add(new Note(name, value));
    }

    @Override
    public void refuse(String why) {
        refusal = why;
    }

    /** The listeners' notes, for the exec event. */
    void describeTo(EventLine line) {
        for (Note n : notes) line.put(' ').text(n.name()).put('=').decimal(n.value());
    }

    /**
     * Runs, in the thread, the syscall whose {@link dev.detsim.sandbox.arch.VdsoStubs#syscallThenTrap} is
     * written at ip, with args; restores its registers. The syscall's result (-errno on failure).
     */
    @Override
    public long inject(long ip, long... args) {
        Tracee t = thread;
        if (savedRegs == null) savedRegs = run.arena.allocate(run.regs.raw().byteSize(), 8);
        MemorySegment saved = savedRegs;
        MemorySegment.copy(run.regs.raw(), 0, saved, 0, saved.byteSize());
        run.vdsoStubs.prepareSyscallAt(run.regs.raw(), ip, args);
        if (run.arch.store(run.posix, t.tid, run.regs.raw()) < 0) return -Errno.ESRCH;
        long result = -Errno.EINVAL;
        int heldSignal = 0;
        run.posix.ptrace(PTRACE_CONT, t.tid, 0, 0);
        for (;;) {
            int tid = run.posix.waitpid(t.tid, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid < 0) return tid;
            int status = run.posix.lastWaitStatus();
            if (!stopped(status)) { // killed: its death is handled as any other
                exits.onExitQuietly(tid, status);
                return -Errno.ESRCH;
            }
            if (event(status) == 0 && stopSignal(status) == Signals.SIGTRAP) {
                if (run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0) result = run.regs.returnValue();
                break;
            }
            if (event(status) == 0) heldSignal = stopSignal(status); // delivered once the program runs
            run.posix.ptrace(PTRACE_CONT, t.tid, 0, 0); // a seccomp stop of the mmap, or another event stop
        }
        MemorySegment.copy(saved, 0, run.regs.raw(), 0, saved.byteSize());
        run.arch.store(run.posix, t.tid, run.regs.raw());
        if (heldSignal != 0) t.resumeSignal = heldSignal;
        return result;
    }
}
