package dev.detsim.recorder;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a recording says about its run (recording.json, docs/RECORDING.md): enough to run it again the same way
 * and to tell whether it did. Sections name the recording's other files with their SHA-256; checksum is the
 * SHA-256 of this manifest written without it.
 *
 * @param format always {@link Recording#FORMAT}
 * @param version the format's version, {@link Recording#VERSION}
 * @param detsim the detsim version that recorded
 * @param host the machine it was recorded on (for the reader; replay does not need the same)
 * @param command the command as given (argv)
 * @param program the executable detsim ran (argv[0] resolved on PATH)
 * @param workingDirectory the run's working directory
 * @param environment the run's whole environment, "NAME=value" in the order the program got it
 * @param runOptions the options of detsim run that shape the run (seed, cpus, ...), as run takes them
 * @param outcome how the run ended and its event log's length and digest
 * @param outputs what the run's stdout and stderr were ("pipe", "file", "null", "terminal", "other")
 * @param files files the run depends on, with their SHA-256 when recorded; replay refuses if one changed
 * @param restore what the files the run changed or created were like before it ran (null: none), which replay
 *     brings back in a mount namespace of its own
 * @param sections the recording's data files by name ("events", "stdin")
 * @param checksum SHA-256 (hex) of the manifest written without this field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(String format, int version, String detsim, Host host, List<String> command, String program,
                       String workingDirectory, List<String> environment, List<String> runOptions,
                       Outcome outcome, List<String> outputs, List<FileHash> files, List<Restore> restore,
                       Map<String, Section> sections, String checksum) {

    /** The machine: kernel release, architecture, CPU model. */
    public record Host(String kernel, String machine, String cpu) {}

    /**
     * How the run ended: exit status as detsim exited (128+S for signal S), events and digest of its log, and
     * the preemptions that were not deterministic (a recording with any may not replay).
     */
    public record Outcome(int status, long events, String digest, long nondeterministicPreemptions) {}

    /** A file the run used, with its size and SHA-256 (hex). */
    public record FileHash(String path, long size, String sha256) {}

    /**
     * A path the run changed, replaced, removed or created, as it was before the run: kind "file" (content in
     * section), "directory", "symlink" (to target), "other" (a device, FIFO or socket: not restored), or
     * "absent" (it did not exist). mode (permission bits), uid and gid for all but "absent"; links, a file's link
     * count (null: 1), which stat shows and replay gives the restored copy.
     */
    public record Restore(String path, String kind, Integer mode, Integer uid, Integer gid, String target,
                          String section, Integer links) {}

    /** A data file of the recording: its name in the directory, gzip-compressed; raw size; SHA-256 of the file. */
    public record Section(String file, long bytes, String sha256) {}

    Manifest withChecksum(String c) {
        return new Manifest(format, version, detsim, host, command, program, workingDirectory, environment,
                runOptions, outcome, outputs, files, restore, sections, c);
    }
}
