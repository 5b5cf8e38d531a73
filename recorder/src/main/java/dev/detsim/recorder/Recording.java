package dev.detsim.recorder;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A recording on disk: a directory holding recording.json ({@link Manifest}) and gzip-compressed sections.
 * Written by detsim record, read by detsim replay. Reading checks everything before anything is used — the
 * format name and version, the manifest's checksum, each section's SHA-256 and that it decompresses — and
 * says what is wrong in one line ({@link RecordingException}).
 */
public final class Recording {
    public static final String FORMAT = "detsim-recording";
    public static final int VERSION = 1;
    public static final String MANIFEST = "recording.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // a later minor addition is not an error

    private final Path dir;
    private final Manifest manifest;

    private Recording(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Compresses source into the recording directory as section file name; returns its manifest entry. */
    public static Manifest.Section writeSection(Path dir, String name, InputStream source) throws IOException {
        Path file = dir.resolve(name + ".gz");
        MessageDigest sha = sha256();
        long bytes;
        try (OutputStream out = new GZIPOutputStream(new java.security.DigestOutputStream(Files.newOutputStream(file), sha), 1 << 16)) {
            bytes = source.transferTo(out);
        }
        return new Manifest.Section(file.getFileName().toString(), bytes, HexFormat.of().formatHex(sha.digest()));
    }

    /** Writes the manifest (format, version and checksum filled in) last, so a recording with one is complete. */
    public static void writeManifest(Path dir, Manifest m) throws IOException {
        Manifest full = new Manifest(FORMAT, VERSION, m.detsim(), m.host(), m.command(), m.program(),
                m.workingDirectory(), m.environment(), m.runOptions(), m.outcome(), m.outputs(), m.files(), m.restore(),
                m.sections(), null);
        Manifest sealed = full.withChecksum(checksumOf(full));
        Path tmp = dir.resolve(MANIFEST + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(sealed));
        Files.move(tmp, dir.resolve(MANIFEST), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes a sample manifest to nowhere: the JSON library's start-up (its classes loaded, its serializers built:
     * about 0.2 s in a fresh JVM) then lies behind it, so record can pay it on a spare thread while the run goes.
     */
    public static void warmUp() {
        Manifest.Section s = new Manifest.Section("events.gz", 0, "");
        Manifest m = new Manifest(FORMAT, VERSION, "", new Manifest.Host("", "", ""), List.of(""), "", "", List.of(),
                List.of(), new Manifest.Outcome(0, 0, "", 0), List.of(), List.of(new Manifest.FileHash("", 0, "")),
                List.of(new Manifest.Restore("/", "absent", null, null, null, null, null, null)),
                Map.of("events", s), null);
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m.withChecksum(checksumOf(m)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Opens and checks the recording in dir. */
    public static Recording open(Path dir) throws RecordingException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new RecordingException(dir + " is not a recording: no such directory");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RecordingException(dir + " is not a recording: it has no " + MANIFEST
                    + " (a record that was interrupted, or another directory)");
        } catch (IOException e) {
            throw new RecordingException("cannot read " + file + ": " + e.getMessage());
        }
        Manifest m = parse(file, bytes);
        Recording r = new Recording(dir, m);
        for (var e : m.sections().entrySet()) r.checkSection(e.getKey(), e.getValue());
        return r;
    }

    private static Manifest parse(Path file, byte[] bytes) throws RecordingException {
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RecordingException(file + " is corrupt: not JSON (" + firstLine(e) + ")");
        }
        if (tree == null || !tree.isObject() || !FORMAT.equals(tree.path("format").asText(null))) {
            throw new RecordingException(file + " is not a detsim recording");
        }
        int version = tree.path("version").asInt(-1);
        if (version != VERSION) {
            throw new RecordingException(file + " is recording format version " + tree.path("version")
                    + "; this detsim reads version " + VERSION);
        }
        Manifest m;
        try {
            m = JSON.treeToValue(tree, Manifest.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new RecordingException(file + " is corrupt: " + firstLine(e));
        }
        if (m.checksum() == null || !m.checksum().equals(checksumOf(m.withChecksum(null)))) {
            throw new RecordingException(file + " is corrupt: its checksum does not match its content");
        }
        for (Manifest.Restore r : m.restore() == null ? List.<Manifest.Restore>of() : m.restore()) {
            boolean known = r != null && r.path() != null && r.path().startsWith("/") && r.kind() != null
                    && switch (r.kind()) {
                        case "file" -> r.section() != null && m.sections() != null && m.sections().containsKey(r.section());
                        case "symlink" -> r.target() != null;
                        case "directory", "other", "absent" -> true;
                        default -> false;
                    };
            if (!known || !"absent".equals(r.kind()) && (r.mode() == null || r.uid() == null || r.gid() == null)) {
                throw new RecordingException(file + " is corrupt: a restore entry is malformed"
                        + (r != null && r.path() != null ? " (" + r.path() + ")" : ""));
            }
        }
        if (m.command() == null || m.command().isEmpty() || m.program() == null || m.workingDirectory() == null
                || m.environment() == null || m.runOptions() == null || m.outcome() == null || m.sections() == null
                || m.files() == null || !m.sections().containsKey("events")) {
            throw new RecordingException(file + " is corrupt: a required field is missing");
        }
        return m;
    }

    /** The section's file exists, has the recorded SHA-256, and decompresses to its recorded size. */
    private void checkSection(String name, Manifest.Section s) throws RecordingException {
        if (s == null || s.file() == null || s.file().contains("/") || s.sha256() == null) {
            throw new RecordingException(dir.resolve(MANIFEST) + " is corrupt: section " + name + " is malformed");
        }
        Path file = dir.resolve(s.file());
        MessageDigest sha = sha256();
        long size;
        try (InputStream in = new GZIPInputStream(new DigestInputStream(Files.newInputStream(file), sha))) {
            size = in.transferTo(OutputStream.nullOutputStream());
        } catch (NoSuchFileException e) {
            throw new RecordingException("the recording's " + name + " (" + file + ") is missing");
        } catch (IOException e) {
            throw new RecordingException(file + " is corrupt: " + firstLine(e));
        }
        if (!HexFormat.of().formatHex(sha.digest()).equals(s.sha256())) {
            throw new RecordingException(file + " is corrupt: its SHA-256 is not the one the recording holds");
        }
        if (size != s.bytes()) {
            throw new RecordingException(file + " is corrupt: " + size + " bytes, the recording says " + s.bytes());
        }
    }

    /** Writes the run's events as the events section (see {@link RecordedEvents}); returns its manifest entry. */
    public static Manifest.Section writeEvents(Path dir, List<Event> events) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        RecordedEvents.write(events, bytes);
        return writeSection(dir, "events", new java.io.ByteArrayInputStream(bytes.toByteArray()));
    }

    /** The recorded events, chains recomputed, which must add up to the recorded count and digest. */
    public List<Event> events() throws RecordingException {
        List<Event> events;
        try (InputStream in = section("events")) {
            events = RecordedEvents.read(in);
        } catch (IOException e) {
            throw new RecordingException(dir.resolve(manifest.sections().get("events").file()) + " is corrupt: "
                    + firstLine(e));
        }
        String digest = EventLogFormat.digestOf(events);
        if (events.size() != manifest.outcome().events() || !digest.equals(manifest.outcome().digest())) {
            throw new RecordingException(dir.resolve(manifest.sections().get("events").file()) + " is corrupt: its "
                    + events.size() + " events do not add up to the recorded digest");
        }
        return events;
    }

    /** The section's content, decompressed (checked when the recording was opened); null if there is none. */
    public InputStream section(String name) throws IOException {
        Manifest.Section s = manifest.sections().get(name);
        return s == null ? null : new GZIPInputStream(Files.newInputStream(dir.resolve(s.file())), 1 << 16);
    }

    private static String checksumOf(Manifest m) {
        try {
            return HexFormat.of().formatHex(sha256().digest(JSON.writeValueAsBytes(m)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a file's content, hex. */
    public static String sha256Of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Sections as the manifest lists them, in a stable order. */
    public static Map<String, Manifest.Section> sections(Manifest.Section events, Manifest.Section stdin) {
        return sections(events, stdin, null);
    }

    /** Sections as the manifest lists them, in a stable order; stdin and preemptions may be null (none). */
    public static Map<String, Manifest.Section> sections(Manifest.Section events, Manifest.Section stdin,
                                                        Manifest.Section preemptions) {
        Map<String, Manifest.Section> m = new LinkedHashMap<>();
        m.put("events", events);
        if (stdin != null) m.put("stdin", stdin);
        if (preemptions != null) m.put("preemptions", preemptions);
        return m;
    }

    /** The same with more sections after those (the files a run changed, as they were before it). */
    public static Map<String, Manifest.Section> sections(Manifest.Section events, Manifest.Section stdin,
                                                         Manifest.Section preemptions, Map<String, Manifest.Section> more) {
        Map<String, Manifest.Section> m = sections(events, stdin, preemptions);
        m.putAll(more);
        return m;
    }

    /** The recorded watchdog preemptions (the "preemptions" section), none if it has none; one line if corrupt. */
    public List<RecordedPreemption> preemptions() throws RecordingException {
        try (InputStream in = section("preemptions")) {
            return in == null ? List.of() : RecordedPreemption.read(in);
        } catch (IOException e) {
            throw new RecordingException(dir.resolve(manifest.sections().get("preemptions").file()) + " is corrupt: "
                    + firstLine(e));
        }
    }

    /** What came from the run's outside peers (the "outside" section), none if it has none; one line if corrupt. */
    public List<OutsideArrival> outsideArrivals() throws RecordingException {
        try (InputStream in = section("outside")) {
            return in == null ? List.of() : OutsideArrival.read(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new RecordingException(dir.resolve(manifest.sections().get("outside").file()) + " is corrupt: "
                    + firstLine(e));
        }
    }
}
