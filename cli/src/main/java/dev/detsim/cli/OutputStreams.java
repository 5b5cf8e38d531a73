package dev.detsim.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the run's stdout and stderr were — a pipe, a regular file, /dev/null, a terminal — since programs look
 * (Python's buffering, ls's columns, isatty) and their calls to find out are events. record notes the kinds;
 * replay gives the run the same kinds again, whatever its own stdout and stderr are, and copies what the run
 * wrote to them: a pipe through a thread, a regular file after the run. A terminal, or a file that already held
 * data (its size and offset show), is not made up: replayed to something else, detsim says so first.
 */
final class OutputStreams {
    static final String PIPE = "pipe", FILE = "file", NULL = "null", TERMINAL = "terminal", OTHER = "other";
    /** A regular file that held data, or was not at its start: its size and offset are not made up again. */
    static final String FILE_WITH_DATA = "file-with-data";

    private OutputStreams() {}

    /** The kind of detsim's own descriptor fd (1 or 2). */
    static String kindOf(int fd) {
        Path p = Path.of("/proc/self/fd/" + fd);
        try {
            var attributes = Files.readAttributes(p, "unix:mode,rdev");
            int mode = (Integer) attributes.get("mode");
            long rdev = (Long) attributes.get("rdev");
            return switch (mode & 0170000) {
                case 0010000 -> PIPE;
                // An empty file: its permissions and the directory it is in (its device) are part of what fstat shows.
                case 0100000 -> Files.size(p) == 0 && offsetOf(fd) == 0
                        ? FILE + ":" + Integer.toOctalString(mode & 07777) + ":" + p.toRealPath().getParent()
                        : FILE_WITH_DATA;
                case 0020000 -> rdev == ((1L << 8) | 3) ? NULL : TERMINAL; // /dev/null is char 1:3
                default -> OTHER;
            };
        } catch (IOException | RuntimeException e) {
            return OTHER;
        }
    }

    /** The file offset of detsim's descriptor fd, from /proc/self/fdinfo; -1 if unknown. */
    private static long offsetOf(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("pos:")) return Long.parseLong(line.substring(4).trim());
        }
        return -1;
    }

    /** stdout's and stderr's kinds, in that order. */
    static List<String> own() {
        return List.of(kindOf(1), kindOf(2));
    }

    /**
     * Sets up pb's stdout and stderr as the recorded kinds; returns what must run after start (pipe copies)
     * and after the end (file copies). Warnings (a terminal that cannot be made up) go to warn.
     */
    static Plan plan(ProcessBuilder pb, List<String> recorded, Path work, java.io.PrintWriter warn) throws IOException {
        Plan plan = new Plan();
        for (int fd = 1; fd <= 2; fd++) {
            String want = recorded == null || recorded.size() < 2 ? OTHER : recorded.get(fd - 1);
            String have = kindOf(fd);
            ProcessBuilder.Redirect r;
            if (want.equals(have) && !want.startsWith(FILE) || want.equals(OTHER) || want.equals(TERMINAL) || want.equals(FILE_WITH_DATA)) {
                if ((want.equals(TERMINAL) || want.equals(FILE_WITH_DATA)) && !want.equals(have)) {
                    warn.println("detsim: replay: " + (fd == 1 ? "stdout" : "stderr") + " was "
                            + (want.equals(TERMINAL) ? "a terminal" : "a file that already held data") + " when"
                            + " recorded and is not now; a program that looks may part from the recording there");
                }
                r = ProcessBuilder.Redirect.INHERIT;
            } else if (want.equals(PIPE)) {
                r = ProcessBuilder.Redirect.PIPE;
                plan.pipes.add(fd);
            } else if (want.startsWith(FILE + ":")) {
                String[] modeAndDir = want.substring(FILE.length() + 1).split(":", 2);
                Path dir = Path.of(modeAndDir[1]);
                Path made = Files.isDirectory(dir) && Files.isWritable(dir)
                        ? Files.createTempFile(dir, ".detsim-replay-", ".fd" + fd) : Files.createFile(work.resolve("fd" + fd));
                Files.setAttribute(made, "unix:mode", Integer.parseInt(modeAndDir[0], 8));
                File f = made.toFile();
                r = ProcessBuilder.Redirect.to(f);
                plan.files.add(f);
                plan.fileFds.add(fd);
            } else { // NULL: what it wrote was thrown away when recorded, and is again
                r = ProcessBuilder.Redirect.DISCARD;
            }
            if (fd == 1) pb.redirectOutput(r);
            else pb.redirectError(r);
        }
        return plan;
    }

    static final class Plan {
        private final List<Integer> pipes = new ArrayList<>();
        private final List<File> files = new ArrayList<>();
        private final List<Integer> fileFds = new ArrayList<>();
        private final List<Thread> copies = new ArrayList<>();

        /** The run started: copy its piped outputs to detsim's own as they come. */
        void started(Process p) {
            for (int fd : pipes) {
                InputStream from = fd == 1 ? p.getInputStream() : p.getErrorStream();
                OutputStream to = fd == 1 ? System.out : System.err;
                copies.add(Thread.ofPlatform().name("detsim-fd" + fd).start(() -> copy(from, to)));
            }
        }

        /** The run ended: finish the copies, and copy what it wrote to files. */
        void ended() throws IOException, InterruptedException {
            for (Thread t : copies) t.join();
            for (int i = 0; i < files.size(); i++) {
                try (InputStream in = Files.newInputStream(files.get(i).toPath())) {
                    copy(in, fileFds.get(i) == 1 ? System.out : System.err);
                } finally {
                    Files.deleteIfExists(files.get(i).toPath());
                }
            }
        }

        private static void copy(InputStream from, OutputStream to) {
            try (from) {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // detsim's own output is gone (a closed pipe): nothing to copy to
            }
        }
    }
}
