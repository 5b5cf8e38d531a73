package dev.detsim.sandbox.tracer;

import dev.detsim.abi.OpenFlags;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.ArgumentFormat;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.syscall.SyscallTable;
import java.io.PrintStream;
import java.util.List;

/**
 * The strace-like view: one line per intercepted syscall, "[tid] name(args) = result". Arguments are
 * decoded at entry (strings and input buffers are read then); output buffers and the result at exit.
 */
final class SyscallTracePrinter {
    private static final int MAX_STRING = 64;
    private static final long CREATES_FILE = OpenFlags.O_CREAT | Arch.current().openFlags().O_TMPFILE;

    private final GuestMemory memory;
    private final PrintStream out;
    private final SyscallTable table = SyscallTable.get();

    SyscallTracePrinter(GuestMemory memory, PrintStream out) {
        this.memory = memory;
        this.out = out;
    }

    void begin(Tracee t, Syscall s, Registers regs) {
        long[] args = arguments(regs);
        // Inputs are rendered now: after execve, or once the memory changes, they could not be.
        String[] rendered = renderArgs(t, s, args, null);
        if (table.signature(s).returnKind().equals("none")) {
            out.println(line(t, s, rendered) + " = ?");
            return;
        }
        t.pendingSyscall = s;
        t.pendingArgs = args;
        t.pendingRendered = rendered;
    }

    void finish(Tracee t, Registers regs) {
        if (t.pendingSyscall == null) return;
        if (regs == null) {
            finishUnreturned(t);
            return;
        }
        long result = regs.returnValue();
        Syscall s = t.pendingSyscall;
        String[] rendered = withOutputs(t.pendingRendered, renderArgs(t, s, t.pendingArgs, result));
        out.println(line(t, s, rendered) + " = " + formatResult(s, result));
        clear(t);
    }

    void emulated(Tracee t, Syscall s, Registers regs, long value) {
        long[] args = arguments(regs);
        String[] rendered = withOutputs(renderArgs(t, s, args, null), renderArgs(t, s, args, value));
        out.println(line(t, s, rendered) + " = " + formatResult(s, value) + " (emulated)");
    }

    private static long[] arguments(Registers regs) {
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = regs.argument(i);
        return args;
    }

    /** The entry-rendered arguments with the output buffers (null there) filled in from the exit rendering. */
    private static String[] withOutputs(String[] inputs, String[] outputs) {
        for (int i = 0; i < inputs.length; i++) if (inputs[i] == null) inputs[i] = outputs[i];
        return inputs;
    }

    void finishUnreturned(Tracee t) {
        if (t.pendingSyscall != null) {
            String[] rendered = t.pendingRendered;
            for (int i = 0; i < rendered.length; i++) if (rendered[i] == null) rendered[i] = "?";
            out.println(line(t, t.pendingSyscall, rendered) + " = ?");
        }
        clear(t);
    }

    void flush() {
        out.flush();
    }

    private static void clear(Tracee t) {
        t.pendingSyscall = null;
        t.pendingArgs = null;
        t.pendingRendered = null;
    }

    private static String line(Tracee t, Syscall s, String[] rendered) {
        StringBuilder b = new StringBuilder().append('[').append(t.tid).append("] ").append(s.kernelName()).append('(');
        boolean first = true;
        for (String r : rendered) {
            if (r.isEmpty()) continue;
            if (!first) b.append(", ");
            b.append(r);
            first = false;
        }
        return b.append(')').toString();
    }

    /**
     * Renders each argument. With result null (at entry) output buffers are left null, to be rendered
     * at exit; with a result, only output buffers are rendered and the rest left null.
     */
    private String[] renderArgs(Tracee t, Syscall s, long[] args, Long result) {
        List<String> kinds = table.signature(s).argumentKinds();
        String[] rendered = new String[Math.min(kinds.size(), 6)];
        for (int i = 0; i < rendered.length; i++) {
            boolean output = kinds.get(i).startsWith("outbuf:");
            if (output == (result != null)) rendered[i] = formatArg(t.tid, kinds.get(i), args, i, result);
            if (kinds.get(i).equals("mode") && i > 0 && kinds.get(i - 1).equals("oflags")
                    && (args[i - 1] & CREATES_FILE) == 0) {
                rendered[i] = ""; // open's mode is garbage unless it creates a file; strace omits it too
            }
        }
        return rendered;
    }

    private String formatArg(int tid, String kind, long[] args, int i, Long result) {
        long v = args[i];
        if (kind.startsWith("inbuf:")) {
            int lenArg = Integer.parseInt(kind.substring(6));
            return buffer(tid, v, args[lenArg]);
        }
        if (kind.startsWith("outbuf:")) {
            if (result == null || result < 0) return ArgumentFormat.pointer(v);
            return buffer(tid, v, result);
        }
        return switch (kind) {
            case "str" -> {
                if (v == 0) yield "NULL";
                String str = memory.readCString(tid, v, MAX_STRING + 1);
                yield str == null ? ArgumentFormat.pointer(v) : ArgumentFormat.quote(str, MAX_STRING);
            }
            case "strv" -> stringArray(tid, v);
            default -> ArgumentFormat.scalar(kind, v);
        };
    }

    private String buffer(int tid, long addr, long len) {
        if (addr == 0) return "NULL";
        int n = (int) Math.min(Math.max(len, 0), MAX_STRING);
        byte[] bytes = memory.read(tid, addr, n);
        if (bytes == null) return ArgumentFormat.pointer(addr);
        return ArgumentFormat.quoteBytes(bytes, len > MAX_STRING);
    }

    private String stringArray(int tid, long addr) {
        if (addr == 0) return "NULL";
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 32; i++) {
            Long p = memory.readWord(tid, addr + 8L * i);
            if (p == null) return ArgumentFormat.pointer(addr);
            if (p == 0) return b.append("]").toString();
            if (i == 8) return b.append(", ...]").toString();
            if (i > 0) b.append(", ");
            String s = memory.readCString(tid, p, MAX_STRING + 1);
            b.append(s == null ? ArgumentFormat.pointer(p) : ArgumentFormat.quote(s, MAX_STRING));
        }
        return b.append(", ...]").toString();
    }

    private String formatResult(Syscall s, long result) {
        if (result < 0 && result >= -4095) {
            int errno = (int) -result;
            return "-1 " + Errno.name(errno) + " (" + Errno.message(errno) + ")";
        }
        return ArgumentFormat.scalar(table.signature(s).returnKind(), result);
    }
}
