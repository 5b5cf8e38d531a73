package dev.detsim.sandbox.tracer.futex;

import static dev.detsim.abi.Futex.FUTEX_WAKE_PRIVATE;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.AuxiliaryVector;
import dev.detsim.sandbox.tracer.NewProgram;
import dev.detsim.sandbox.tracer.ProcessListener;
import dev.detsim.sandbox.tracer.PtraceMemory;
import dev.detsim.sandbox.tracer.SyscallInjector;
import dev.detsim.sandbox.tracer.TracedThread;
import dev.detsim.scheduler.FutexKey;
import dev.detsim.scheduler.Scheduler;
import dev.detsim.scheduler.ThreadId;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Futex wakes that do not stop, and the waits they end. A Go program hands its P from thread to thread with
 * a futex wake and a futex wait on each side; stopping at all four made a cross-thread hand-off cost four
 * stops. The Go runtime changes a futex word before it wakes it ({@link GoFutexSite}), so the wake itself
 * need not stop: detsim's filters let FUTEX_WAKE_PRIVATE from the runtime's futex call run in the kernel
 * (where nobody waits: every wait is detsim's), and whenever the running thread stops, this class reads the
 * words of the process's waiters that waited at that same call and wakes those whose word no longer holds
 * the value they waited on. A hand-off then costs the two waits.
 *
 * <p>Deterministic: only the running thread changed memory since its previous stop, and the words are read
 * at each of its stops, so who wakes depends only on what the program did. Waking a waiter whose word changed
 * is always allowed (futex(2) lets a wait return 0 at any time). What changes: the wake returns 0 and the
 * woken wait EAGAIN or 0 ({@link #kernelAnswers}; Go ignores both); the woken thread can run from the waker's
 * next stop on, not from the wake; and a word
 * changed and changed back between two stops wakes nobody (the Go runtime does not do that: a note is
 * cleared by its sleeper, and an unlocked runtime lock is relocked as "locked", never as "sleeping").
 *
 * <p>The filters: the first one (installed before the program starts) lets FUTEX_WAKE_PRIVATE run; at every
 * exec, before the new program runs an instruction, detsim adds a filter that stops every FUTEX_WAKE_PRIVATE
 * except one from the new program's Go futex site (or all of them, in a program without one), unless the
 * filters the process inherited already stop them all. Filters are inherited by threads and children and can
 * only add stops, so a wake runs unstopped only when it comes from the Go site of the program that runs and
 * of every program exec'd before it in its lineage: a Go program started directly by detsim (or by Go
 * programs) gets the fast wakes, one started by a shell or env does not. If that filter cannot be added, the
 * process is killed rather than left with wakes detsim cannot see.
 */
final class FutexWordWatch implements ProcessListener {
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    /** Stack bytes below the exec-time stack pointer that hold the filter while it is installed. */
    private static final long STACK_GAP = 8192;

    /** The first filter's rule for futex: stop unless the op is FUTEX_WAKE_PRIVATE. */
    static final SeccompFilter.ArgumentFilter FIRST_FILTER_RULE =
            SeccompFilter.ArgumentFilter.except(1, Set.of(FUTEX_WAKE_PRIVATE));

    /** A watched wait: on the word at key's address, for as long as it holds value. */
    private record Waiter(FutexKey key, int value) {}

    private final Arch arch;
    private final VdsoStubs stubs;
    private final Scheduler scheduler;
    private final PtraceMemory memory;
    private final GoFutexSite sites = new GoFutexSite();
    /** Per process (host tgid) whose program has one: the loaded address of its Go futex site. */
    private final Map<Integer, Long> siteOf = new HashMap<>();
    /**
     * Per process: the sites of the filters detsim added at the execs of its lineage (inherited, never removed;
     * 0: stops every wake). A wake runs unstopped only if its address is every one of them: a Go program
     * started by a shell keeps every wake stopping, since the shell's filter has no site.
     */
    private final Map<Integer, List<Long>> filtersOf = new HashMap<>();
    /** Per process: the threads parked at its Go futex site, and the word and value each waits on. */
    private final Map<Integer, Map<ThreadId, Waiter>> waiters = new HashMap<>();
    private final List<ThreadId> changed = new ArrayList<>();
    /**
     * The waiters this watch woke at the last stop where it woke any, and the tracer's resume count then (each
     * stop follows a resume, so a wake at an earlier stop has an older count: {@link #kernelAnswers} is false).
     */
    private final List<ThreadId> wokenAtLastRead = new ArrayList<>();
    private long lastReadResumes = -1;
    /** The words to read at a stop, whose, and what was read. */
    private long[] addresses = new long[8];
    private ThreadId[] ids = new ThreadId[8];
    private int[] words = new int[8];
    private boolean[] readable = new boolean[8];
    private long wakes;

    FutexWordWatch(Arch arch, VdsoStubs stubs, Scheduler scheduler, PtraceMemory memory) {
        this.arch = arch;
        this.stubs = stubs;
        this.scheduler = scheduler;
        this.memory = memory;
    }

    /**
     * At the exec of thread tid of process tgid, stopped with its instruction pointer at ip and stack pointer at
     * sp (before the new program runs): adds the filter described above. Null when done, else why not.
     */
    String programStarts(int tid, int tgid, long ip, long sp, SyscallInjector injector) {
        siteOf.remove(tgid);
        waiters.remove(tgid);
        GoFutexSite.Site site = sites.find(Path.of("/proc/" + tid + "/exe"));
        long loaded = 0;
        if (site != null) {
            long atEntry = 0;
            if (site.positionIndependent()) {
                var slot = AuxiliaryVector.valueAddress(memory, tid, sp, AuxiliaryVector.AT_ENTRY);
                Long v = slot.isEmpty() ? null : memory.readWord(tid, slot.getAsLong());
                atEntry = v == null ? 0 : v;
            }
            if (!site.positionIndependent() || atEntry != 0) loaded = site.loadedAt(atEntry);
        }
        List<Long> chain = filtersOf.getOrDefault(tgid, List.of());
        if (chain.contains(0L)) return null; // an earlier program's filter stops every wake already
        if (!chain.contains(loaded)) {
            SeccompFilter filter = SeccompFilter.futexWakesExceptAt(arch, arch.number(Syscall.FUTEX), FUTEX_WAKE_PRIVATE, loaded);
            long result = install(tid, ip, sp, filter, injector);
            if (result < 0) return "seccomp: " + Errno.name((int) -result);
            chain = new ArrayList<>(chain);
            chain.add(loaded);
            filtersOf.put(tgid, List.copyOf(chain));
        }
        boolean everyFilterLetsItRun = loaded != 0;
        for (long other : chain) everyFilterLetsItRun &= other == loaded;
        if (everyFilterLetsItRun) siteOf.put(tgid, loaded);
        return null;
    }

    /** Writes the program below sp and a syscall stub at ip, runs seccomp(2) there, puts both back. */
    private long install(int tid, long ip, long sp, SeccompFilter filter, SyscallInjector injector) {
        byte[] program;
        try (Arena a = Arena.ofConfined()) {
            program = filter.toNative(a).toArray(ValueLayout.JAVA_BYTE);
        }
        long data = (sp - STACK_GAP - 16 - program.length) & ~15L;
        byte[] fprog = new byte[16 + program.length]; // struct sock_fprog, then the instructions
        MemorySegment f = MemorySegment.ofArray(fprog);
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) filter.instructions().size());
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, data + 16);
        System.arraycopy(program, 0, fprog, 16, program.length);
        byte[] stub = stubs.syscallThenTrap(Syscall.SECCOMP);
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + tid + "/mem", "rw")) {
            byte[] code = new byte[stub.length];
            mem.seek(ip);
            mem.readFully(code);
            byte[] stack = new byte[fprog.length];
            mem.seek(data);
            mem.readFully(stack);
            mem.seek(data);
            mem.write(fprog);
            mem.seek(ip);
            mem.write(stub);
            long result = injector.inject(ip, SECCOMP_SET_MODE_FILTER, 0, data);
            mem.seek(ip);
            mem.write(code);
            mem.seek(data);
            mem.write(stack);
            return result;
        } catch (IOException e) {
            return -Errno.EFAULT;
        }
    }

    /** The filter of the new program (an i386 program's futex calls all stop); killed if it cannot be added. */
    @Override
    public void execed(NewProgram p) {
        if (p.compatMode()) return;
        String failure = programStarts(p.tid(), p.tgid(), p.instructionPointer(), p.stackPointer(), p);
        if (failure != null) {
            p.refuse("cannot add the futex filter to " + p.path() + " (" + failure
                    + "); killed it, since its futex wakes would go unseen");
        }
    }

    /** A forked child runs its parent's program, with its filters. */
    @Override
    public void forked(int parentTgid, int childTgid) {
        Long site = siteOf.get(parentTgid);
        if (site != null) siteOf.put(childTgid, site);
        List<Long> chain = filtersOf.get(parentTgid);
        if (chain != null) filtersOf.put(childTgid, chain);
    }

    @Override
    public void exited(int tgid) {
        siteOf.remove(tgid);
        filtersOf.remove(tgid);
        waiters.remove(tgid);
    }

    /** Whether threads of process tgid wait on words detsim watches (the running thread may wake them). */
    boolean watches(int tgid) {
        Map<ThreadId, Waiter> w = waiters.get(tgid);
        return w != null && !w.isEmpty();
    }

    /**
     * Thread t parked in a futex wait on key for as long as its word holds value, made by the syscall that ends
     * at ip: if that is its program's Go site, its wake will not stop, so its word is watched.
     */
    void parked(TracedThread t, FutexKey key, int value, long ip) {
        Long site = siteOf.get(t.tgid());
        if (site == null || site != ip) return;
        waiters.computeIfAbsent(t.tgid(), k -> new HashMap<>()).put(t.id(), new Waiter(key, value));
    }

    /**
     * The address of the futex word the syscall at this stop waits on (FUTEX_WAIT or FUTEX_WAIT_BITSET, any
     * flags), or 0: the watch reads it with the watched words, and the futex handler finds it read.
     */
    static long waitedWord(Syscall s, Registers regs) {
        if (s != Syscall.FUTEX) return 0;
        int cmd = (int) regs.argument(1) & ~(128 | 256); // FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME
        return cmd == 0 || cmd == 9 ? regs.argument(0) : 0;
    }

    /**
     * The running thread t stopped: each watched waiter of its process whose word no longer holds its value
     * is woken, as by the wake the kernel ran, in the order the threads were created. ownWord (0: none) is the
     * word t's own syscall waits on: read in the same process_vm_readv, and left in {@link PtraceMemory} for the
     * futex handler. resumes counts the tracer's resumes so far (see {@link #kernelAnswers}).
     */
    void runningThreadStopped(TracedThread t, long ownWord, long resumes) {
        Map<ThreadId, Waiter> watched = waiters.get(t.tgid());
        if (watched == null || watched.isEmpty()) return;
        changed.clear();
        int n = 0;
        if (ownWord != 0) {
            addresses[n] = ownWord;
            ids[n++] = t.id();
        }
        int first = n;
        for (Iterator<Map.Entry<ThreadId, Waiter>> it = watched.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ThreadId, Waiter> e = it.next();
            if (!scheduler.waitsOnFutex(e.getKey(), e.getValue().key())) { // woken otherwise: a timeout, a signal...
                it.remove();
                continue;
            }
            if (n == addresses.length) grow();
            addresses[n] = e.getValue().key().address();
            ids[n++] = e.getKey();
        }
        memory.readInts(t.tid(), addresses, n, words, readable);
        if (first == 1 && readable[0]) memory.remember(t.tid(), ownWord, words[0]);
        for (int i = first; i < n; i++) {
            if (readable[i] && words[i] == watched.get(ids[i]).value()) continue;
            changed.add(ids[i]);
            watched.remove(ids[i]);
        }
        if (changed.isEmpty()) return;
        changed.sort(null);
        wokenAtLastRead.clear();
        lastReadResumes = resumes;
        for (int i = 0; i < changed.size(); i++) {
            if (scheduler.wakeFutexWaiter(changed.get(i))) wokenAtLastRead.add(changed.get(i));
            wakes++;
        }
    }

    /**
     * Whether the futex wait of thread id, woken by this watch, can run in the kernel instead of being answered:
     * its word was read changed at a stop after which no thread has been resumed (resumes is unchanged), so the
     * kernel finds the word differs from the value and returns EAGAIN at once (the Go runtime ignores the
     * result). Saves writing the syscall's registers. Forgets the wake either way.
     */
    boolean kernelAnswers(ThreadId id, long resumes) {
        return wokenAtLastRead.remove(id) && resumes == lastReadResumes;
    }

    private void grow() {
        int size = addresses.length * 2;
        addresses = java.util.Arrays.copyOf(addresses, size);
        ids = java.util.Arrays.copyOf(ids, size);
        words = java.util.Arrays.copyOf(words, size);
        readable = java.util.Arrays.copyOf(readable, size);
    }

    /** Waits ended because their word changed, over the run. */
    long wakes() {
        return wakes;
    }
}
