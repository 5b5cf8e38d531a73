package dev.detsim.sandbox.tracer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Whether a descriptor a parked thread waits on could be made ready by something outside the traced tree.
 * When every thread waits and none has a deadline, detsim waits in real time only if one could; otherwise the
 * run is a deadlock (GNU make -j waiting on its jobserver pipe, whose every end its own processes hold).
 *
 * <p>Only anonymous pipes are judged inside: one is inside when no process but the traced ones (and detsim,
 * which holds copies of waited descriptors to poll them) has it open. Everything else — sockets, which a peer
 * can reach, named FIFOs and terminals, which anyone can open — counts as outside.
 */
final class OutsideEnds {
    private final long self = ProcessHandle.current().pid();

    /**
     * Whether copy (detsim's own copy of a waited descriptor) could become ready from outside; traced are
     * the host pids of the traced processes, and of detsim's namespace init.
     */
    boolean reachable(int copy, Set<Integer> traced) {
        String target = link(Path.of("/proc/self/fd/" + copy));
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
