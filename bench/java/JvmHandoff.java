import static dev.detsim.sandbox.os.Ptrace.EVENT_SECCOMP;
import static dev.detsim.sandbox.os.Ptrace.O_EXITKILL;
import static dev.detsim.sandbox.os.Ptrace.O_TRACECLONE;
import static dev.detsim.sandbox.os.Ptrace.O_TRACEEXEC;
import static dev.detsim.sandbox.os.Ptrace.O_TRACEFORK;
import static dev.detsim.sandbox.os.Ptrace.O_TRACESECCOMP;
import static dev.detsim.sandbox.os.Ptrace.O_TRACEVFORK;
import static dev.detsim.sandbox.os.Ptrace.PTRACE_CONT;
import static dev.detsim.sandbox.os.Ptrace.PTRACE_GET_SYSCALL_INFO;
import static dev.detsim.abi.Wait.WALL;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.os.LibDetsim;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;

/**
 * JvmHandoff [--cpu N] -- CMD [ARGS...]
 *
 * <p>bench/c/gohandoff.c in Java, through detsim's own FFM layer (Posix, LibDetsim, SeccompFilter): the least
 * a ptrace tracer written for the JVM can do to serialise a Go program's futex hand-offs. Same filter (futex
 * waits stop, everything else runs), same four tracer syscalls per stop (wait4, PTRACE_GET_SYSCALL_INFO, one
 * process_vm_readv of the waiter's word and the parked threads' words, PTRACE_CONT), same choice of whom to
 * resume, and no allocation per stop. Set beside the C tracer, it shows what the JVM itself costs a stop on
 * this machine, apart from anything detsim does (docs/PERFORMANCE.md, "The hand-off floor").
 *
 * <p>As gohandoff, a floor to compare with, not a sandbox: threads not in a futex wait run at the same time.
 * Where gohandoff re-reads the parked words on a 10 ms timer (a thread that never stops may change one), a
 * helper thread here sends the program a SIGURG when no stop came for 10 ms while threads are parked (Go
 * takes it as a preemption request); the stop it makes re-reads the words.
 */
public final class JvmHandoff {
    private static final int SIGURG = 23, MAX_PARKED = 1024, INFO_BYTES = 88, ARGS_OFFSET = 32;
    private static final int FUTEX_WAIT = 0, FUTEX_WAIT_BITSET = 9, PRIVATE = 128, CLOCK_REALTIME = 256;

    private final Posix posix = Posix.forCurrentThread();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment info = arena.allocate(INFO_BYTES, 8);
    private final MemorySegment iovs = arena.allocate(16L * (MAX_PARKED + 1), 8);
    private final MemorySegment words = arena.allocate(4L * (MAX_PARKED + 1), 8);
    private final int[] parkedTid = new int[MAX_PARKED];
    private final long[] parkedWord = new long[MAX_PARKED];
    private final int[] parkedValue = new int[MAX_PARKED];
    /** Plain fields, read racily by the helper thread (it sleeps between reads): no fence on the stop path. */
    private int parked;
    private long stops;
    private int threads;

    public static void main(String[] args) throws Exception {
        int cpu = -1, i = 0;
        for (; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--cpu") && i + 1 < args.length) cpu = Integer.parseInt(args[++i]);
            else usage();
        }
        if (i + 1 >= args.length) usage();
        System.exit(new JvmHandoff().run(cpu, List.of(args).subList(i + 1, args.length)));
    }

    private static void usage() {
        System.err.println("usage: JvmHandoff [--cpu N] -- CMD [ARGS...]");
        System.exit(2);
    }

    private int run(int cpu, List<String> cmd) throws InterruptedException {
        if (cpu >= 0) { // this thread and, through fork, the program
            MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES);
            mask.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            posix.schedSetaffinity(0, mask);
        }
        var waitsOnly = new EnumMap<Syscall, SeccompFilter.ArgumentFilter>(Syscall.class);
        waitsOnly.put(Syscall.FUTEX, new SeccompFilter.ArgumentFilter(1, Set.of(FUTEX_WAIT, FUTEX_WAIT | PRIVATE,
                FUTEX_WAIT | CLOCK_REALTIME, FUTEX_WAIT | PRIVATE | CLOCK_REALTIME, FUTEX_WAIT_BITSET,
                FUTEX_WAIT_BITSET | PRIVATE, FUTEX_WAIT_BITSET | CLOCK_REALTIME,
                FUTEX_WAIT_BITSET | PRIVATE | CLOCK_REALTIME)));
        SeccompFilter filter = SeccompFilter.tracing(Arch.current(), Set.of(), waitsOnly);
        int options = O_TRACESECCOMP | O_EXITKILL | O_TRACECLONE | O_TRACEFORK | O_TRACEVFORK | O_TRACEEXEC;
        LibDetsim.Spawned spawned = LibDetsim.spawn(onPath(cmd.getFirst()), cmd, null, filter.toNative(arena), options,
                new int[0], LibDetsim.SPAWN_NO_ASLR, -1);
        int child = spawned.pid();
        if (child < 0) {
            System.err.println("JvmHandoff: cannot start " + cmd.getFirst() + ": errno " + -child);
            return 127;
        }
        threads = 1;
        Thread.ofPlatform().daemon().start(() -> nudge(child));
        int childStatus = -1;
        for (;;) {
            int pid = posix.waitpid(-1, WALL);
            if (pid == -4) continue; // EINTR
            if (pid < 0) break; // ECHILD: all gone
            stops++;
            int status = posix.lastWaitStatus();
            if ((status & 0xff) != 0x7f) { // exited or killed
                if (pid == child) childStatus = status;
                forget(pid);
                threads--;
                if (threads > 0 && parked == threads) unparkAll();
                continue;
            }
            int signal = (status >> 8) & 0xff, event = status >>> 16;
            if (event == EVENT_SECCOMP) {
                onFutexWait(pid);
                continue;
            }
            if (event >= 1 && event <= 3) threads++; // PTRACE_EVENT_FORK, _VFORK, _CLONE
            if (parked > 0) wakeChanged(pid);
            posix.ptrace(PTRACE_CONT, pid, 0, event == 0 ? signal : 0);
        }
        if (childStatus == -1) return 126;
        return (childStatus & 0x7f) == 0 ? (childStatus >> 8) & 0xff : 128 + (childStatus & 0x7f);
    }

    /** The program's file: name itself if it has a slash, else the first executable name in $PATH. */
    private static String onPath(String name) {
        if (name.contains("/")) return name;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            java.nio.file.Path p = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, name);
            if (java.nio.file.Files.isExecutable(p)) return p.toString();
        }
        return name;
    }

    /** Thread tid stopped at a futex wait: park it if its word still holds the value, and resume a changed one. */
    private void onFutexWait(int tid) {
        if (posix.ptrace(PTRACE_GET_SYSCALL_INFO, tid, INFO_BYTES, info.address()) <= 0) return;
        long word = info.get(JAVA_LONG, ARGS_OFFSET);
        int value = (int) info.get(JAVA_LONG, ARGS_OFFSET + 16);
        if (!readWords(tid, word) || words.get(JAVA_INT, 0) != value || parked == MAX_PARKED) {
            posix.ptrace(PTRACE_CONT, tid, 0, 0); // changed already: the kernel returns EAGAIN
            return;
        }
        int n = parked;
        if (resumeFirstChanged(1)) n--;
        parkedTid[n] = tid;
        parkedWord[n] = word;
        parkedValue[n] = value;
        parked = n + 1;
        if (parked == threads) unparkAll();
    }

    /** A stop of another kind: re-read the parked words, resume every thread whose word changed. */
    private void wakeChanged(int via) {
        while (parked > 0 && readWords(via, 0) && resumeFirstChanged(0)) {}
    }

    /** Reads own (0: none) and the parked words into words[], own first; false if some could not be read. */
    private boolean readWords(int via, long own) {
        int n = 0;
        if (own != 0) iov(n++, own);
        for (int i = 0; i < parked; i++) iov(n++, parkedWord[i]);
        return n == 0 || posix.readMemoryScattered(via, iovs, n, words, 4L * n) == 4L * n;
    }

    private void iov(int i, long address) {
        iovs.set(JAVA_LONG, 16L * i, address);
        iovs.set(JAVA_LONG, 16L * i + 8, 4);
    }

    /** Resumes the first parked thread whose word (at words[offset + i]) changed; false if none did. */
    private boolean resumeFirstChanged(int offset) {
        for (int i = 0; i < parked; i++) {
            if (words.get(JAVA_INT, 4L * (offset + i)) == parkedValue[i]) continue;
            int tid = parkedTid[i];
            remove(i);
            posix.ptrace(PTRACE_CONT, tid, 0, 0);
            return true;
        }
        return false;
    }

    private void unparkAll() {
        for (int i = 0; i < parked; i++) posix.ptrace(PTRACE_CONT, parkedTid[i], 0, 0);
        parked = 0;
    }

    private void forget(int tid) {
        for (int i = 0; i < parked; i++) {
            if (parkedTid[i] == tid) {
                remove(i);
                return;
            }
        }
    }

    private void remove(int i) {
        int n = parked;
        System.arraycopy(parkedTid, i + 1, parkedTid, i, n - i - 1);
        System.arraycopy(parkedWord, i + 1, parkedWord, i, n - i - 1);
        System.arraycopy(parkedValue, i + 1, parkedValue, i, n - i - 1);
        parked = n - 1;
    }

    /** The helper thread: a SIGURG to the program when threads are parked and no stop came for 10 ms. */
    private void nudge(int child) {
        Posix own = Posix.forCurrentThread();
        long seen = -1;
        for (;;) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
            long now = stops;
            if (now == seen && parked > 0) own.kill(child, SIGURG);
            seen = now;
        }
    }
}
