package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOHANG;
import static dev.detsim.abi.Wait.WNOTHREAD;

import dev.detsim.scheduler.DeadlockReport;
import dev.detsim.scheduler.WaitCondition;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * When every thread waits and none has a deadline: waits in real time for what may come from outside the
 * traced tree (input on a descriptor, SIGCONT for a group-stop, a signal), or says that nothing can, which is
 * a deadlock (GNU make -j waiting on its jobserver pipe, whose every end its own processes hold).
 *
 * <p>Only anonymous pipes are judged inside: one is inside when no process but the traced ones (and detsim,
 * which holds copies of waited descriptors to poll them) has it open. Everything else — sockets, which a peer
 * can reach, named FIFOs and terminals, which anyone can open — counts as outside.
 */
final class OutsideInput {
    private final long self = ProcessHandle.current().pid();
    private final TracedRun run;
    private final Turns turns;
    private final Exits exits;
    /** The resume count at which {@link #canEnd} was last judged (-1: never), and its verdict. */
    private long verdictAt = -1;
    private boolean verdict;
    /** Handlers that keep or play outside peers: at replay, one gives what the recorded run waited for. */
    private final java.util.List<dev.detsim.sandbox.api.OutsideWatch> watches;
    /** Whether the last {@link #await} ended by its time limit, having seen nothing. */
    boolean sawNothing;

    OutsideInput(TracedRun run, Turns turns, Exits exits, java.util.List<dev.detsim.sandbox.api.OutsideWatch> watches) {
        this.run = run;
        this.turns = turns;
        this.exits = exits;
        this.watches = watches;
    }

    /**
     * Every thread waits and none has a deadline. If something outside can end one of the waits, waits up
     * to 20 ms for it in real time and returns true (the caller asks the scheduler again); false: a deadlock.
     */
    boolean await(DeadlockReport report) {
        if (verdictAt != turns.resumes) { // no thread ran since the last look: the same waits, the same verdict
            verdictAt = turns.resumes;
            verdict = canEnd(report);
        }
        if (!verdict) {
            // The verdict read every process's descriptors: an outside writer may have closed its end meanwhile,
            // after the last poll, making the pipe readable (end of file) rather than leaving it stuck.
            if (!run.waiters.pollReadiness()) return false;
            verdictAt = -1;
            return true;
        }
        for (var w : watches) {
            if (w.giveNext(run.descriptors)) { // replay: what record waited for; record: what the next look lets in
                verdictAt = -1;
                turns.signalCheckDue = true; // it may be a signal
                return true;
            }
        }
        long deadline = System.nanoTime() + 20_000_000L;
        while (System.nanoTime() < deadline) {
            int tid = run.posix.waitpid(-1, WALL | WNOTHREAD | WNOHANG);
            if (tid > 0) {
                exits.reporter().report(tid, run.posix.lastWaitStatus());
                return true;
            }
            if (run.notices.drain()) {
                turns.signalCheckDue = true;
                return true;
            }
            if (run.waiters.pollReadiness()) return true;
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        sawNothing = true;
        turns.signalCheckDue = true; // the kernel's own timers (and other processes) may have sent one meanwhile
        return true;
    }

    /** Whether something outside the traced tree could end one of report's waits. */
    private boolean canEnd(DeadlockReport report) {
        Set<Integer> traced = null;
        for (DeadlockReport.Waiter w : report.waiters()) {
            Tracee t = run.threads.get(w.thread());
            if (w.condition() instanceof WaitCondition.Signal || t != null && t.listening) return true;
            if (!(w.condition() instanceof WaitCondition.Readiness)) continue;
            if (t == null || t.waitCopies == null) return true;
            if (traced == null) {
                traced = new HashSet<>();
                for (Tracee x : run.threads.all()) traced.add(x.tgid);
                if (exits.initPid > 0) traced.add(exits.initPid);
            }
            for (int copy : t.waitCopies) if (copy < 0 || reachable(copy, traced)) return true;
        }
        return false;
    }

    /**
     * Whether copy (detsim's own copy of a waited descriptor) could become ready from outside; traced are
     * the host pids of the traced processes, and of detsim's namespace init.
     */
    private boolean reachable(int copy, Set<Integer> traced) {
        String target = link(Path.of("/proc/self/fd/" + copy));
        if (target != null && target.startsWith("socket:[")) {
            for (var w : watches) if (!w.socketsReachable()) return false; // replay: no recorded client is left
        }
        for (var w : watches) if (target != null && w.feeds(target)) return true; // detsim's own: the stdin it lets in
        if (target == null || !target.startsWith("pipe:[")) return true;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : processes) {
                String name = p.getFileName().toString();
                if (!isPid(name)) continue;
                int pid = Integer.parseInt(name);
                if (pid == self || traced.contains(pid)) continue;
                if (holds(p, target)) return true;
            }
        } catch (IOException | RuntimeException e) {
            return true; // cannot tell: assume someone outside might write
        }
        return false;
    }

    private static boolean holds(Path process, String target) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                if (target.equals(link(fd))) return true;
            }
        } catch (IOException | RuntimeException e) {
            return false; // gone, or its descriptors cannot be read
        }
        return false;
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) if (!Character.isDigit(name.charAt(i))) return false;
        return !name.isEmpty();
    }
}
