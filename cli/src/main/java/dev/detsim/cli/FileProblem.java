package dev.detsim.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * A file named by one of detsim's own options (--events, --stats, --trace-syscalls, --input, --keep) that cannot
 * be used: said in words on one line, because the user mistyped a path, and a Java class name or the whole usage
 * would bury that.
 */
final class FileProblem extends ParameterException {
    FileProblem(CommandLine line, String option, String verb, Path file, IOException e) {
        super(line, option + ": cannot " + verb + " " + file + ": " + describe(file, e));
    }

    FileProblem(CommandLine line, String message) {
        super(line, message);
    }

    /** What is wrong with file, in the words of ls or a shell ("no such directory", "permission denied", ...). */
    static String describe(Path file, IOException e) {
        if (Files.isDirectory(file)) return "is a directory";
        if (e instanceof NoSuchFileException) {
            Path parent = file.toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? "no such directory" : "no such file";
        }
        if (e instanceof AccessDeniedException) return "permission denied";
        // Other errnos come as a FileSystemException whose reason is strerror ("Read-only file system").
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) return "input/output error";
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
