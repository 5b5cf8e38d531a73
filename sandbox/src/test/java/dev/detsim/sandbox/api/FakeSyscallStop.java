package dev.detsim.sandbox.api;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.WakeUp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * A {@link SyscallStop} built by a test: a syscall and its six arguments, the thread's ids, its memory and
 * descriptors, and (for a call asked again after a wait) a {@link WakeUp}. What a handler does to the stop is
 * recorded: argument changes, scratch space asked for, the after-return decision ({@link #returnWith} runs it
 * as the tracer would when the kernel returns), and the signal mask a wait is to run under.
 */
public final class FakeSyscallStop implements SyscallStop {
    /**
     * A host tid no thread has (above the kernel's largest pid_max): the few host lookups handlers make by tid
     * (/proc/TID/status for signal masks, /proc/TID/maps) find nothing, as for a thread that has just gone.
     */
    public static final int NO_SUCH_TID = 9_000_001;
    /** Where {@link #scratch} hands out memory: below this, mapped in the stop's memory on demand. */
    public static final long SCRATCH_TOP = 0x7ffd_0000_0000L;

    private final int tid, pid;
    private final ThreadId thread;
    private final ProcessId process;
    private final Syscall syscall;
    private final long[] arguments;
    private final GuestMemory memory;
    private final Descriptors descriptors;
    private final Optional<WakeUp> wakeUp;
    private final List<Integer> changedArguments = new ArrayList<>();
    private final List<Long> scratchAddresses = new ArrayList<>();
    private long scratchNext = SCRATCH_TOP;
    private LongFunction<AfterReturn> afterReturn;
    private Long signalMask;

    private FakeSyscallStop(Builder b) {
        this.tid = b.tid;
        this.pid = b.pid;
        this.thread = b.thread;
        this.process = b.process;
        this.syscall = b.syscall;
        this.arguments = b.arguments.clone();
        this.memory = b.memory;
        this.descriptors = b.descriptors;
        this.wakeUp = Optional.ofNullable(b.wakeUp);
    }

    public static Builder builder(Syscall syscall, long... arguments) {
        return new Builder(syscall, arguments);
    }

    /** Builds stops; build() may be called again after changing it (the call asked again, say). */
    public static final class Builder {
        private int tid = NO_SUCH_TID, pid = NO_SUCH_TID;
        private ThreadId thread = ThreadId.of(1);
        private ProcessId process = ProcessId.of(1);
        private Syscall syscall;
        private long[] arguments = new long[6];
        private GuestMemory memory = new FakeGuestMemory();
        private Descriptors descriptors = new FakeDescriptors();
        private WakeUp wakeUp;

        private Builder(Syscall syscall, long... arguments) {
            syscall(syscall, arguments);
        }

        /** The syscall and up to six arguments (the rest 0). */
        public Builder syscall(Syscall syscall, long... arguments) {
            if (arguments.length > 6) throw new IllegalArgumentException("six arguments at most");
            this.syscall = syscall;
            this.arguments = java.util.Arrays.copyOf(arguments, 6);
            return this;
        }

        public Builder argument(int index, long value) {
            arguments[index] = value;
            return this;
        }

        /** Host tid and real pid. */
        public Builder host(int tid, int pid) {
            this.tid = tid;
            this.pid = pid;
            return this;
        }

        public Builder thread(int thread, int process) {
            this.thread = ThreadId.of(thread);
            this.process = ProcessId.of(process);
            return this;
        }

        public Builder memory(GuestMemory memory) {
            this.memory = memory;
            return this;
        }

        public Builder descriptors(Descriptors descriptors) {
            this.descriptors = descriptors;
            return this;
        }

        /** Asked again after a wait ended this way; null for the call's first stop. */
        public Builder wakeUp(WakeUp wakeUp) {
            this.wakeUp = wakeUp;
            return this;
        }

        public FakeSyscallStop build() {
            return new FakeSyscallStop(this);
        }
    }

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public ThreadId thread() {
        return thread;
    }

    @Override
    public ProcessId process() {
        return process;
    }

    @Override
    public Syscall syscall() {
        return syscall;
    }

    @Override
    public long argument(int index) {
        return arguments[index];
    }

    @Override
    public void setArgument(int index, long value) {
        arguments[index] = value;
        changedArguments.add(index);
    }

    /** The indexes of arguments the handler changed, in order (argument(i) gives the new value). */
    public List<Integer> changedArguments() {
        return List.copyOf(changedArguments);
    }

    @Override
    public long scratch(int length) {
        scratchNext -= (length + 15) & ~15L;
        if (memory instanceof FakeGuestMemory fake) fake.map(tid, scratchNext, length);
        scratchAddresses.add(scratchNext);
        return scratchNext;
    }

    /** The scratch addresses handed out, in order. */
    public List<Long> scratchAddresses() {
        return List.copyOf(scratchAddresses);
    }

    @Override
    public void onReturn(java.util.function.LongConsumer observer) {
        afterReturn(result -> {
            observer.accept(result);
            return AfterReturn.KEEP;
        });
    }

    @Override
    public void afterReturn(LongFunction<AfterReturn> decision) {
        if (afterReturn != null) throw new IllegalStateException("one onReturn or afterReturn per stop");
        afterReturn = decision;
    }

    public boolean wantsReturn() {
        return afterReturn != null;
    }

    /** The kernel returned result: what the handler's onReturn/afterReturn makes of it (KEEP if none asked). */
    public AfterReturn returnWith(long result) {
        return afterReturn == null ? AfterReturn.KEEP : afterReturn.apply(result);
    }

    @Override
    public void waitUnderSignalMask(long mask) {
        signalMask = mask;
    }

    /** The mask given to {@link #waitUnderSignalMask}, or null. */
    public Long signalMask() {
        return signalMask;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public Descriptors descriptors() {
        return descriptors;
    }

    @Override
    public Optional<WakeUp> wakeUp() {
        return wakeUp;
    }
}
