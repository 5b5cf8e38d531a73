package dev.detsim.sandbox.syscall;

import dev.detsim.sandbox.arch.Arch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Generates the seccomp-bpf program from the set of syscalls some handler subscribes to: those stop the
 * tracee (SECCOMP_RET_TRACE), every other native syscall runs at full speed (SECCOMP_RET_ALLOW).
 * Syscalls of a foreign ABI (i386 int 0x80, x32) always stop, so the tracer can report them.
 *
 * <p>Shape: check the arch; load the number; then for each run of consecutive traced numbers, in
 * ascending order, "below the run: allow; inside: trace". Every jump is short, so the program stays
 * valid for any set (BPF jump offsets are 8 bits), and common low-numbered syscalls leave early.
 */
public final class SeccompFilter {
    // Classic BPF opcodes (linux/filter.h, linux/bpf_common.h).
    private static final short LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, JGT_K = 0x25, RET_K = 0x06;
    // seccomp_data offsets and return values (linux/seccomp.h).
    private static final int NR = 0, ARCH = 4, IP = 8, ARGS = 16;
    public static final int RET_ALLOW = 0x7fff0000, RET_TRACE = 0x7ff00000;
    /**
     * SECCOMP_RET_DATA of a stop for a foreign-ABI syscall (i386 int 0x80): its number is not this arch's
     * number, so i386 getpid (20) must not be taken for x86_64 writev (20). The tracer reads the data with
     * PTRACE_GETEVENTMSG, only before a handler would act or to name an unknown syscall.
     */
    public static final int FOREIGN_ABI = 1;

    /**
     * A syscall that stops only when argument index (its low 32 bits, as seccomp_data holds it) is one of
     * values: fcntl only for F_SETLKW, say, so the many other fcntl commands run at full speed. With except,
     * the other way round: it stops unless the argument is one of values.
     */
    public record ArgumentFilter(int index, java.util.Set<Integer> values, boolean except) {
        public ArgumentFilter {
            if (index < 0 || index > 5) throw new IllegalArgumentException("argument index " + index);
            values = java.util.Set.copyOf(values);
            if (values.isEmpty()) throw new IllegalArgumentException("an argument filter needs values");
        }

        public ArgumentFilter(int index, java.util.Set<Integer> values) {
            this(index, values, false);
        }

        /** Stops the syscall unless argument index is one of values. */
        public static ArgumentFilter except(int index, java.util.Set<Integer> values) {
            return new ArgumentFilter(index, values, true);
        }

        /**
         * Both filters' values, if on the same argument and both list the values that stop; null otherwise
         * (then the syscall always stops).
         */
        public ArgumentFilter union(ArgumentFilter other) {
            if (other.index != index || except || other.except) return null;
            java.util.Set<Integer> all = new java.util.HashSet<>(values);
            all.addAll(other.values);
            return new ArgumentFilter(index, all);
        }
    }

    /** One sock_filter instruction. */
    public record Instruction(short code, byte jt, byte jf, int k) {}

    private final List<Instruction> program;

    private SeccompFilter(List<Instruction> program) {
        this.program = List.copyOf(program);
    }

    /** A filter that stops exactly the given syscalls of arch (and every foreign-ABI syscall). */
    public static SeccompFilter tracing(Arch arch, Collection<Syscall> traced) {
        return tracing(arch, traced, java.util.Map.of());
    }

    /**
     * A filter that stops the traced syscalls always, and those of onlyWhen (not also in traced) when their
     * argument matches.
     */
    public static SeccompFilter tracing(Arch arch, Collection<Syscall> traced, java.util.Map<Syscall, ArgumentFilter> onlyWhen) {
        BitSet numbers = new BitSet();
        for (Syscall s : traced) {
            int nr = arch.number(s);
            if (nr >= 0) numbers.set(nr);
        }
        java.util.TreeMap<Integer, ArgumentFilter> conditional = new java.util.TreeMap<>();
        onlyWhen.forEach((s, f) -> {
            int nr = arch.number(s);
            if (nr >= 0 && !numbers.get(nr)) conditional.put(nr, f);
        });
        return build(arch, numbers, conditional, false);
    }

    /** A filter that stops every syscall, whatever its number. */
    public static SeccompFilter tracingAll(Arch arch) {
        return build(arch, new BitSet(), new java.util.TreeMap<>(), true);
    }

    private static SeccompFilter build(Arch arch, BitSet traced, java.util.TreeMap<Integer, ArgumentFilter> conditional,
                                       boolean traceEverything) {
        BitSet all = (BitSet) traced.clone();
        conditional.keySet().forEach(all::set);
        List<Instruction> p = new ArrayList<>();
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, ARCH));
        p.add(new Instruction(JEQ_K, (byte) 1, (byte) 0, arch.auditArch()));
        p.add(ret(RET_TRACE | FOREIGN_ABI)); // a foreign ABI: report it
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, NR));
        if (arch.foreignAbiBit() != 0) {
            p.add(new Instruction(JGE_K, (byte) 0, (byte) 1, arch.foreignAbiBit()));
            p.add(ret(RET_TRACE));
        }
        for (int lo = all.nextSetBit(0); lo >= 0; ) {
            ArgumentFilter f = conditional.get(lo);
            int hi = lo;
            if (f == null) { // a run of numbers that always stop
                while (traced.get(hi + 1) && !conditional.containsKey(hi + 1)) hi++;
            }
            p.add(new Instruction(JGE_K, (byte) 1, (byte) 0, lo));
            p.add(ret(RET_ALLOW));
            if (f == null) {
                p.add(new Instruction(JGT_K, (byte) 1, (byte) 0, hi));
                p.add(ret(RET_TRACE));
            } else { // exactly lo: stop if the argument matches, else allow
                List<Integer> values = f.values().stream().sorted().toList();
                int block = 1 + values.size() + 2;
                if (block > 255) throw new IllegalStateException("argument filter too long: " + values.size() + " values");
                p.add(new Instruction(JGT_K, (byte) block, (byte) 0, lo));
                p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, ARGS + 8 * f.index()));
                for (int i = 0; i < values.size(); i++) { // a match jumps to the last return
                    p.add(new Instruction(JEQ_K, (byte) (values.size() - i), (byte) 0, values.get(i)));
                }
                p.add(ret(f.except() ? RET_TRACE : RET_ALLOW));
                p.add(ret(f.except() ? RET_ALLOW : RET_TRACE));
            }
            lo = all.nextSetBit(hi + 1);
        }
        p.add(ret(traceEverything ? RET_TRACE : RET_ALLOW));
        if (p.size() > 4096) throw new IllegalStateException("seccomp program too long: " + p.size());
        return new SeccompFilter(p);
    }

    /**
     * The filter detsim adds to each new program (at its exec) where the first filter let FUTEX_WAKE_PRIVATE
     * run (see {@link #tracing} with an except filter on futex's op): such a wake stops unless it comes from
     * the syscall instruction that ends at site (the instruction pointer seccomp sees), the Go runtime's
     * futex call. A site of 0 stops them all. Every other syscall is left to the first filter: seccomp takes
     * the strictest answer of all the filters a thread has.
     */
    public static SeccompFilter futexWakesExceptAt(Arch arch, int futexNumber, int wakePrivateOp, long site) {
        List<Instruction> p = new ArrayList<>();
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, ARCH));
        p.add(new Instruction(JEQ_K, (byte) 0, (byte) 9, arch.auditArch()));      // another arch: allow
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, NR));
        p.add(new Instruction(JEQ_K, (byte) 0, (byte) 7, futexNumber));           // not futex: allow
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, ARGS + 8));
        p.add(new Instruction(JEQ_K, (byte) 0, (byte) 5, wakePrivateOp));         // another op: allow
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, IP));
        p.add(new Instruction(JEQ_K, (byte) 0, (byte) 2, (int) site));            // low half differs: trace
        p.add(new Instruction(LD_W_ABS, (byte) 0, (byte) 0, IP + 4));
        p.add(new Instruction(JEQ_K, (byte) 1, (byte) 0, (int) (site >>> 32)));   // both halves match: allow
        p.add(ret(RET_TRACE));
        p.add(ret(RET_ALLOW));
        return new SeccompFilter(p);
    }

    private static Instruction ret(int value) {
        return new Instruction(RET_K, (byte) 0, (byte) 0, value);
    }

    public List<Instruction> instructions() {
        return program;
    }

    /** The program as struct sock_filter[], for the seccomp syscall. */
    public MemorySegment toNative(Arena arena) {
        MemorySegment seg = arena.allocate(8L * program.size(), 8);
        for (int i = 0; i < program.size(); i++) {
            Instruction in = program.get(i);
            long off = 8L * i;
            seg.set(ValueLayout.JAVA_SHORT, off, in.code());
            seg.set(ValueLayout.JAVA_BYTE, off + 2, in.jt());
            seg.set(ValueLayout.JAVA_BYTE, off + 3, in.jf());
            seg.set(ValueLayout.JAVA_INT, off + 4, in.k());
        }
        return seg;
    }

    /**
     * Runs the program on a syscall, as the kernel would: the unit tests use this to check that the
     * generated program decides what the subscription set says.
     */
    public int evaluate(int auditArch, int nr) {
        return evaluate(auditArch, nr, new long[6]);
    }

    /** As {@link #evaluate(int, int)}, with the syscall's arguments (low 32 bits are what the program checks). */
    public int evaluate(int auditArch, int nr, long[] args) {
        return evaluate(auditArch, nr, args, 0);
    }

    /** As {@link #evaluate(int, int, long[])}, for a syscall instruction that ends at ip. */
    public int evaluate(int auditArch, int nr, long[] args, long ip) {
        int acc = 0;
        for (int pc = 0; pc < program.size(); pc++) {
            Instruction in = program.get(pc);
            switch (in.code()) {
                case LD_W_ABS -> acc = switch (in.k()) {
                    case ARCH -> auditArch;
                    case NR -> nr;
                    case IP -> (int) ip;
                    case IP + 4 -> (int) (ip >>> 32);
                    default -> (int) args[(in.k() - ARGS) / 8];
                };
                case JEQ_K -> pc += acc == in.k() ? in.jt() : in.jf();
                case JGE_K -> pc += Integer.compareUnsigned(acc, in.k()) >= 0 ? in.jt() : in.jf();
                case JGT_K -> pc += Integer.compareUnsigned(acc, in.k()) > 0 ? in.jt() : in.jf();
                case RET_K -> {
                    return in.k();
                }
                default -> throw new IllegalStateException("unknown opcode " + in.code());
            }
        }
        throw new IllegalStateException("program fell off its end");
    }
}
