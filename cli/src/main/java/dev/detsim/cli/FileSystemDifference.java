package dev.detsim.cli;

import dev.detsim.recorder.Divergence;
import dev.detsim.recorder.Event;
import dev.detsim.abi.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Says in words when two runs part at a file-system call: the same call, with the same arguments, that succeeded
 * in one run and failed in the other, returned another size, or wrote other metadata; or that one run repeated
 * where the other went on (mktemp trying another name because the first existed). The event log records the
 * call's arguments raw (pointers) and, for a call the kernel ran unanswered, no result, so the path itself cannot
 * be named: the lines name the call and what differed, and where the runs' /tmp came from.
 */
final class FileSystemDifference {
    /** Calls that take a path or a directory descriptor and answer from the file system. */
    private static final Set<String> FILE_SYSTEM_CALLS = Set.of("stat", "lstat", "fstat", "newfstatat",
            "fstatat64", "statx", "access", "faccessat", "faccessat2", "open", "openat", "creat", "mkdir", "mkdirat",
            "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
            "symlinkat", "readlink", "readlinkat", "getdents", "getdents64", "chdir", "truncate", "ftruncate",
            "chmod", "fchmodat", "chown", "fchownat", "lchown", "utimensat", "statfs", "fstatfs", "lseek", "mknod",
            "mknodat");
    private static final Set<String> LISTINGS = Set.of("getdents", "getdents64");
    /** Answered by detsim's own call; logged as passed through only when that call failed (the kernel then ran it). */
    private static final Set<String> STATS = Set.of("stat", "lstat", "fstat", "newfstatat", "fstatat64", "statx");

    private FileSystemDifference() {}

    /** A syscall event's parts: "name(args)", then "=result" (null when passed through), then the rest. */
    record Call(String name, String call, Long result, String writes) {
        static Call parse(Event e) {
            if (e == null || !e.kind().equals("syscall")) return null;
            String d = e.detail();
            int open = d.indexOf('('), close = d.indexOf(')');
            if (open <= 0 || close < open) return null;
            String rest = d.substring(close + 1);
            Long result = null;
            if (rest.startsWith("=")) {
                int end = rest.indexOf(' ');
                if (end < 0) end = rest.length();
                try {
                    result = Long.parseLong(rest.substring(1, end));
                } catch (NumberFormatException ex) {
                    return null;
                }
                rest = rest.substring(end);
            }
            return new Call(d.substring(0, open), d.substring(0, close + 1), result, rest.trim());
        }

        boolean fileSystem() {
            return FILE_SYSTEM_CALLS.contains(name);
        }
    }

    /**
     * The lines to print for divergence d between run 1 and run runB (none when it is not a file-system
     * difference), the last one saying where the runs' /tmp came from.
     */
    static List<String> explain(Divergence d, int runB, boolean privateTmp) {
        String what = describe(at(d.contextA(), d.index()), at(d.contextB(), d.index()),
                at(d.contextA(), d.index() - 1), runB);
        if (what == null) return List.of();
        List<String> lines = new ArrayList<>();
        lines.add("detsim: verify: the runs saw different files: " + what);
        lines.add(privateTmp
                ? "detsim: verify: (each run had an empty /tmp and /var/tmp of its own: the file is elsewhere, in the"
                        + " working directory, $HOME or /dev/shm say; the event log has the call's raw arguments, not"
                        + " its path)"
                : "detsim: verify: (the runs shared the host's /tmp: what one run left there, the next one saw;"
                        + " --tmp=private gives each run an empty one)");
        return lines;
    }

    private static Event at(List<Event> context, long seq) {
        for (Event e : context) if (e.seq() == seq) return e;
        return null;
    }

    /** What differs, in words, or null when the divergence is not (recognisably) a file-system difference. */
    static String describe(Event eventA, Event eventB, Event before, int runB) {
        Call a = Call.parse(eventA), b = Call.parse(eventB), prev = Call.parse(before);
        if (a != null && b != null && eventA.thread() == eventB.thread() && a.call().equals(b.call())
                && a.fileSystem()) {
            String call = a.name() + " " + argumentsOf(a.call());
            if (a.result() != null && b.result() != null && !a.result().equals(b.result())) {
                return results(call, a.name(), a.result(), b.result(), runB);
            }
            if (STATS.contains(a.name()) && (a.result() == null) != (b.result() == null)) {
                Long answered = a.result() != null ? a.result() : b.result();
                int ok = a.result() != null ? 1 : runB, failed = a.result() != null ? runB : 1;
                if (answered >= 0) {
                    return call + " found its file in run " + ok + " and failed in run " + failed + " (ENOENT most"
                            + " likely; the kernel's error is not logged): the path exists in run " + ok + ", not in"
                            + " run " + failed;
                }
            }
            if (a.result() != null && a.result().equals(b.result()) && !a.writes().equals(b.writes())) {
                return LISTINGS.contains(a.name())
                        ? call + " listed a directory with other names in run " + runB + " than in run 1"
                        : call + " returned other metadata (size, mode or type) in run " + runB + " than in run 1:"
                                + " a file differs";
            }
        }
        // One run calls again what both just called, the other goes on: the first call failed in that run only.
        if (prev != null && prev.fileSystem() && before.kind().equals("syscall")) {
            if (eventB != null && eventB.thread() == before.thread() && eventB.detail().equals(before.detail())) {
                return repeated(prev, runB, 1);
            }
            if (eventA != null && eventA.thread() == before.thread() && eventA.detail().equals(before.detail())) {
                return repeated(prev, 1, runB);
            }
        }
        return null;
    }

    private static String repeated(Call c, int again, int onward) {
        return "run " + again + " made the same " + c.name() + " " + argumentsOf(c.call()) + " again where run "
                + onward + " went on: the call most likely failed in run " + again + " only"
                + (c.name().startsWith("mkdir") || c.name().startsWith("open") || c.name().equals("creat")
                        ? " (EEXIST: a name mktemp-style code chose exists there already)" : "");
    }

    private static String results(String call, String name, long x, long y, int runB) {
        if (x >= 0 && y >= 0) {
            return LISTINGS.contains(name)
                    ? call + " read " + x + " bytes of directory entries in run 1 and " + y + " in run " + runB
                            + ": the directory holds other files"
                    : call + " returned " + x + " in run 1 and " + y + " in run " + runB;
        }
        if (x < 0 && y < 0) return call + " failed with " + err(x) + " in run 1 and " + err(y) + " in run " + runB;
        int ok = x >= 0 ? 1 : runB, failed = x >= 0 ? runB : 1;
        long errno = Math.min(x, y);
        String why = switch ((int) -errno) {
            case Errno.ENOENT -> ": the path exists in run " + ok + ", not in run " + failed;
            case 17 -> ": the path exists in run " + failed + " already, not in run " + ok; // EEXIST
            case 39 -> ": the directory holds files in run " + failed + ", not in run " + ok; // ENOTEMPTY
            default -> "";
        };
        return call + " succeeded in run " + ok + " and failed with " + err(errno) + " in run " + failed + why;
    }

    private static String err(long result) {
        return Errno.name((int) -result);
    }

    private static String argumentsOf(String call) {
        return call.substring(call.indexOf('('));
    }
}
