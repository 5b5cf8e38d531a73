package dev.detsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the program to run the way a shell does: a name with a slash as is, else along PATH. */
final class ProgramLookup {
    /** The executable, or a shell-style error with its exit status. */
    sealed interface Result permits Found, Failed {}

    record Found(Path path) implements Result {}

    record Failed(String message, int exitStatus) implements Result {}

    private ProgramLookup() {}

    static Result find(String name, String pathVariable) {
        if (name.isEmpty()) return new Failed(": command not found", ExitCodes.NOT_FOUND);
        if (name.contains("/")) return check(Path.of(name), name, true);
        Result firstProblem = null;
        for (String dir : (pathVariable == null ? "/usr/local/bin:/usr/bin:/bin" : pathVariable).split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
            if (!Files.exists(candidate)) continue;
            Result r = check(candidate, name, false);
            if (r instanceof Found) return r;
            if (firstProblem == null) firstProblem = r;
        }
        return firstProblem != null ? firstProblem : new Failed(name + ": command not found", ExitCodes.NOT_FOUND);
    }

    private static Result check(Path p, String name, boolean explicit) {
        if (!Files.exists(p)) {
            return new Failed(name + ": No such file or directory", ExitCodes.NOT_FOUND);
        }
        if (Files.isDirectory(p)) return new Failed(name + ": Is a directory", ExitCodes.CANNOT_EXECUTE);
        if (!Files.isExecutable(p)) return new Failed(name + ": Permission denied", ExitCodes.CANNOT_EXECUTE);
        return new Found(explicit ? p : p.toAbsolutePath().normalize().getParent().resolve(p.getFileName()));
    }
}
