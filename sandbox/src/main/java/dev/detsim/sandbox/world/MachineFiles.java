package dev.detsim.sandbox.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The /proc and /sys files through which programs learn about the machine, written for the virtual
 * {@link Machine}: CPU lists and /proc/cpuinfo for the CPU count, /proc/meminfo to match sysinfo, and the
 * host name, kernel version, uptime and load; and /etc/hosts, where the virtual host name resolves. They live in
 * a directory named by a hash of their content (/dev/shm/detsim-machine-HASH, see {@link StandIns}), so the same
 * machine gives the same paths on every host and run.
 */
public final class MachineFiles implements PathRedirect {
    private final Map<String, String> contents = new LinkedHashMap<>();
    private final Path directory;

    public MachineFiles(Machine machine) {
        String cpus = machine.cpus() == 1 ? "0\n" : "0-" + (machine.cpus() - 1) + "\n";
        contents.put("/sys/devices/system/cpu/online", cpus);
        contents.put("/sys/devices/system/cpu/possible", cpus);
        contents.put("/sys/devices/system/cpu/present", cpus);
        contents.put("/proc/cpuinfo", cpuinfo(machine.cpus()));
        contents.put("/proc/meminfo", meminfo());
        contents.put("/proc/sys/kernel/hostname", Machine.NODENAME + "\n");
        contents.put("/proc/sys/kernel/osrelease", Machine.RELEASE + "\n");
        contents.put("/proc/version", "Linux version " + Machine.RELEASE + " (detsim) " + Machine.VERSION + "\n");
        contents.put("/proc/uptime", Machine.UPTIME_SECONDS + ".00 " + Machine.UPTIME_SECONDS * machine.cpus() + ".00\n");
        contents.put("/proc/loadavg", "0.00 0.00 0.00 1/1 1\n");
        contents.put("/etc/hosts", hosts());
        directory = StandIns.directory().resolve("detsim-machine-" + hash());
    }

    /**
     * The host's /etc/hosts with the virtual host name added, as container runtimes do: a program that resolves
     * its own name (MariaDB's bootstrap does) finds it here instead of asking a name server outside the run,
     * whose answer would come when it comes.
     */
    private static String hosts() {
        String host;
        try {
            host = Files.readString(Path.of("/etc/hosts"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            host = "127.0.0.1\tlocalhost\n";
        }
        if (!host.isEmpty() && !host.endsWith("\n")) host += "\n";
        return host + "127.0.1.1\t" + Machine.NODENAME + "\n";
    }

    /** The generated file standing in for path, or null when path is not a virtual file. */
    public String replacement(String path) {
        return contents.containsKey(path) ? directory.resolve(fileName(path)).toString() : null;
    }

    @Override
    public Target redirect(String path) {
        String replacement = replacement(path);
        return replacement == null ? null : new Target(replacement, 0);
    }

    public Map<String, String> contents() {
        return Map.copyOf(contents);
    }

    /** Writes the files unless they are there already (another run of the same machine wrote them). */
    public void materialize() {
        if (Files.isDirectory(directory)) return;
        try {
            Path tmp = Files.createTempDirectory(StandIns.directory(), "detsim-machine-tmp");
            for (var e : contents.entrySet()) {
                Files.writeString(tmp.resolve(fileName(e.getKey())), e.getValue(), StandardCharsets.ISO_8859_1);
            }
            tmp.toFile().setReadable(true, false);
            tmp.toFile().setExecutable(true, false);
            for (String name : contents.keySet()) tmp.resolve(fileName(name)).toFile().setReadable(true, false);
            try {
                Files.move(tmp, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                // Another detsim made the same directory meanwhile: its files are the same.
                try (var files = Files.list(tmp)) {
                    for (Path p : files.toList()) Files.delete(p);
                }
                Files.delete(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the virtual machine's files under " + StandIns.directory() + ": " + e.getMessage(), e);
        }
    }

    private static String fileName(String path) {
        return path.substring(1).replace('/', '_');
    }

    private String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var e : contents.entrySet()) {
                sha.update((e.getKey() + "\0" + e.getValue() + "\0").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cpuinfo(int cpus) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus; i++) {
            b.append("processor\t: ").append(i).append('\n')
                    .append("vendor_id\t: detsim\n")
                    .append("model name\t: detsim virtual CPU\n")
                    .append("physical id\t: 0\n")
                    .append("siblings\t: ").append(cpus).append('\n')
                    .append("core id\t\t: ").append(i).append('\n')
                    .append("cpu cores\t: ").append(cpus).append('\n')
                    .append("flags\t\t: fpu\n")
                    .append("bogomips\t: 2000.00\n\n");
        }
        return b.toString();
    }

    private static String meminfo() {
        long totalKb = Machine.TOTAL_RAM >> 10, freeKb = Machine.FREE_RAM >> 10;
        String[][] rows = {{"MemTotal", "" + totalKb}, {"MemFree", "" + freeKb}, {"MemAvailable", "" + freeKb},
            {"Buffers", "0"}, {"Cached", "0"}, {"SwapCached", "0"}, {"Active", "0"}, {"Inactive", "0"},
            {"SwapTotal", "0"}, {"SwapFree", "0"}, {"Shmem", "0"}, {"SReclaimable", "0"}};
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) b.append(String.format("%-16s%8s kB%n", r[0] + ":", r[1]));
        return b.toString();
    }
}
