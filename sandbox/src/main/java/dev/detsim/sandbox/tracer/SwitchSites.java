package dev.detsim.sandbox.tracer;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.os.CodeSite;
import dev.detsim.sandbox.os.ElfSymbols;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where each switch of a chaos schedule happened: the thread that ran and the one that would have run
 * without the switch, each with the call it was stopped at and where in its code. A switch decides the order
 * of those two threads' next steps; detsim shrink names a failing schedule's switches this way.
 *
 * <p>Written as one JSON object a line: {@code {"decision":D,"event":E,"ran":{...},"insteadOf":{...}}}, E the
 * index of the next event the log would get; each thread as {@code {"thread":N,"syscall":NAME,"after":B,
 * "site":...,"caller":...}}: NAME the call it was stopped at, at its entry or (B true) its exit (both absent
 * when it was stopped elsewhere), site that call's instruction (else the thread's) as FILE:0xOFFSET, caller the return address found at the top of its stack when that lies
 * in a file's code (a guess that holds for a libc call wrapper, which keeps no frame: the caller of it);
 * function and callerFunction ("name+0xN", {@link ElfSymbols}) where the files' symbols say.
 */
final class SwitchSites {
    private final Path file;
    private final StringBuilder lines = new StringBuilder();

    SwitchSites(Path file) {
        this.file = file;
    }

    void observe(TracedRun run, long decision, long nextEvent, Tracee ran, Tracee insteadOf) {
        lines.append("{\"decision\":").append(decision).append(",\"event\":").append(nextEvent)
                .append(",\"ran\":").append(thread(run, ran)).append(",\"insteadOf\":").append(thread(run, insteadOf))
                .append("}\n");
    }

    void write() throws IOException {
        Files.writeString(file, lines);
    }

    private static String thread(TracedRun run, Tracee t) {
        if (t == null) return "null";
        StringBuilder b = new StringBuilder("{\"thread\":").append(t.number());
        Registers regs = t.held ? run.regsOf(t) : null;
        if (regs == null) return b.append(",\"site\":null}").toString(); // not stopped yet: no registers to read
        long ip = regs.instructionPointer();
        // At a call's entry stop the kernel reports -ENOSYS as its result so far; at its exit stop (a call detsim
        // answered, a new thread back from clone) the result. Either way the number is the call's.
        boolean atEntry = t.blockedIn != null || regs.returnValue() == -Errno.ENOSYS;
        // A call detsim answered was skipped (number -1): lastCall names it, if the thread is just past a syscall
        // instruction (a thread preempted elsewhere has -1 too).
        long at = ip - run.arch.syscallInstructionBytes();
        Syscall call = t.blockedIn != null ? t.blockedIn
                : regs.syscallNumber() >= 0 ? run.arch.syscall(regs.syscallNumber())
                : java.util.Arrays.equals(run.memory.read(t.tid, at, run.arch.syscallInstructionBytes()),
                        run.arch.syscallInstruction()) ? t.lastCall : null;
        if (call != null) b.append(",\"syscall\":\"").append(call.kernelName()).append('"').append(",\"after\":").append(!atEntry);
        // The instruction pointer is past the syscall instruction: the site is that instruction.
        CodeSite site = CodeSite.of(t.tid, call != null ? at : ip);
        b.append(",\"site\":").append(quoted(site));
        String function = site == null ? null : site.function();
        if (function != null) b.append(",\"function\":").append(quoted(function));
        Long top = run.arch.returnAddressOnStack() ? run.memory.readWord(t.tid, regs.stackPointer()) : null;
        CodeSite caller = top == null ? null : CodeSite.of(t.tid, top);
        if (caller != null) {
            b.append(",\"caller\":").append(quoted(caller));
            String calledFrom = ElfSymbols.callerAt(Path.of(caller.file()), caller.offset());
            if (calledFrom != null) b.append(",\"callerFunction\":").append(quoted(calledFrom));
        }
        return b.append('}').toString();
    }

    private static String quoted(Object value) {
        return value == null ? "null" : "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
