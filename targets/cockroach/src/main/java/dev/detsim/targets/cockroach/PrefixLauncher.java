package dev.detsim.targets.cockroach;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs every command behind a fixed prefix through another launcher: {@code prefix + command}. The detsim
 * launcher is {@code new PrefixLauncher(List.of(detsimExecutable, "run", "--"))} (plus any options before
 * {@code --}); the handle's pid is then detsim's, and SIGTERM goes to detsim.
 */
public final class PrefixLauncher implements Launcher {
    private final List<String> prefix;
    private final Launcher delegate;

    /** A prefix launcher over a {@link NativeLauncher}. */
    public PrefixLauncher(List<String> prefix) {
        this(prefix, new NativeLauncher());
    }

    public PrefixLauncher(List<String> prefix, Launcher delegate) {
        this.prefix = List.copyOf(prefix);
        if (this.prefix.isEmpty()) {
            throw new IllegalArgumentException("empty prefix");
        }
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    public List<String> prefix() {
        return prefix;
    }

    /** The command actually started for {@code command}. */
    public List<String> wrap(List<String> command) {
        List<String> full = new ArrayList<>(prefix.size() + command.size());
        full.addAll(prefix);
        full.addAll(command);
        return List.copyOf(full);
    }

    @Override
    public Handle start(List<String> command, Path workDir, Path logFile) throws IOException {
        return delegate.start(wrap(command), workDir, logFile);
    }

    @Override
    public String toString() {
        return "PrefixLauncher" + prefix;
    }
}
