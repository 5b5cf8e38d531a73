package dev.detsim.targets.cockroach;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the {@code cockroach} binary: an explicit path (from {@code --cockroach PATH}) first, else the
 * {@value #ENV_VAR} environment variable, else {@code cockroach} on {@code PATH}.
 *
 * <p>An explicit path or the variable that names something unusable is reported as such, not skipped in
 * favour of the next source: the user asked for that binary. On {@code PATH}, entries that are not
 * executable files are passed over, as a shell does.
 */
public final class CockroachBinary {

    /** The environment variable naming the binary. */
    public static final String ENV_VAR = "COCKROACH_BINARY";

    /** The name looked up on {@code PATH}. */
    public static final String NAME = "cockroach";

    /** The reason given when no source names a binary. */
    public static final String NOT_FOUND_REASON = "not run: cockroach binary not found (use --cockroach PATH)";

    private CockroachBinary() {}

    /** Where a found binary came from. */
    public enum Source {
        /** The explicit path ({@code --cockroach PATH}). */
        EXPLICIT("--cockroach"),
        /** The {@value CockroachBinary#ENV_VAR} environment variable. */
        ENVIRONMENT(ENV_VAR),
        /** A directory on {@code PATH}. */
        PATH("PATH");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** How the source is named in messages: {@code --cockroach}, {@code COCKROACH_BINARY} or {@code PATH}. */
        public String label() {
            return label;
        }
    }

    /** The outcome of {@link #resolve}: either {@link Found} or {@link NotFound}. */
    public sealed interface Resolution permits Found, NotFound {
        /** True for {@link Found}. */
        default boolean found() {
            return this instanceof Found;
        }
    }

    /** A usable binary: an absolute path to an executable regular file, and where it came from. */
    public record Found(Path path, Source source) implements Resolution {
        public Found {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(source, "source");
        }
    }

    /** No usable binary; {@code reason} is a one-line message starting with {@code "not run: "}. */
    public record NotFound(String reason) implements Resolution {
        public NotFound {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Resolves with the process environment. {@code explicit} may be null (no {@code --cockroach}). */
    public static Resolution resolve(Path explicit) {
        return resolve(explicit, System.getenv());
    }

    /**
     * Resolves with the given environment (only {@value #ENV_VAR} and {@code PATH} are read).
     *
     * @param explicit the {@code --cockroach} path, or null
     * @param env      the environment; an empty or blank {@value #ENV_VAR} counts as unset
     */
    public static Resolution resolve(Path explicit, Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        if (explicit != null) {
            return check(explicit, Source.EXPLICIT);
        }
        String fromEnv = env.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path p;
            try {
                p = Path.of(fromEnv.strip());
            } catch (InvalidPathException e) {
                return new NotFound("not run: " + ENV_VAR + "=" + fromEnv + " is not a valid path");
            }
            return check(p, Source.ENVIRONMENT);
        }
        String pathVar = env.get("PATH");
        if (pathVar != null) {
            for (String dir : pathVar.split(File.pathSeparator, -1)) {
                // An empty PATH entry means the current directory, as in a shell.
                Path candidate;
                try {
                    candidate = (dir.isEmpty() ? Path.of("") : Path.of(dir)).resolve(NAME);
                } catch (InvalidPathException e) {
                    continue;
                }
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return new Found(candidate.toAbsolutePath().normalize(), Source.PATH);
                }
            }
        }
        return new NotFound(NOT_FOUND_REASON);
    }

    private static Resolution check(Path p, Source source) {
        String from = " (from " + source.label() + ")";
        if (!Files.exists(p)) {
            return new NotFound("not run: cockroach binary " + p + from + " does not exist");
        }
        if (!Files.isRegularFile(p)) {
            return new NotFound("not run: cockroach binary " + p + from + " is not a regular file");
        }
        if (!Files.isExecutable(p)) {
            return new NotFound("not run: cockroach binary " + p + from + " is not executable");
        }
        return new Found(p.toAbsolutePath().normalize(), source);
    }
}
