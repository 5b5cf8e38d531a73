package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JVM ./detsim starts: as root its JIT compiler threads run at nice 19 (they then take a CPU at start-up only
 * when detsim's own threads leave one free), while the program keeps the nice it would have natively; not as root,
 * the JVM gets no such option (it would print a warning to every user).
 */
class LauncherJvmTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("detsim.jar", "target/detsim-cli.jar"))
            .toAbsolutePath().getParent().getParent().getParent().resolve("detsim");

    @Test
    void compilerThreadsYieldTheCpuAndTheProgramDoesNot() throws Exception {
        Process p = new ProcessBuilder(LAUNCHER.toString(), "run", "--", "sh", "-c", "nice; read line; echo $?")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("0", out.readLine(), "the program's nice, as natively");
            Map<String, Integer> nice = threadNices(p.pid()); // the launcher exec'd java: same pid
            boolean root = SelfLauncher.runsAsRoot();
            assertTrue(nice.keySet().stream().anyMatch(t -> t.startsWith("C1 CompilerThre")), "JVM threads: " + nice);
            nice.forEach((thread, n) -> {
                if (thread.contains("CompilerThre")) assertEquals(root ? 19 : 0, n, thread + " as root: " + root);
                if (thread.startsWith("detsim-tracer")) assertEquals(0, n, thread);
            });
            p.getOutputStream().close(); // at once: detsim may be judging who else holds the pipe (it was a deadlock)
            assertEquals("1", out.readLine(), "read's status at end of file");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Each thread's name and nice (field 19 of /proc/PID/task/TID/stat). */
    private static Map<String, Integer> threadNices(long pid) throws IOException {
        Map<String, Integer> nices = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                nices.put(name + "/" + task.getFileName(), Integer.parseInt(fields[16]));
            }
        }
        return nices;
    }
}
