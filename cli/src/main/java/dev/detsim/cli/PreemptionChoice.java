package dev.detsim.cli;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.tracer.preemption.BranchCounters;
import dev.detsim.sandbox.tracer.preemption.Preemption;
import dev.detsim.sandbox.tracer.preemption.SpinSite;
import dev.detsim.sandbox.tracer.preemption.TickSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * --preempt-by: auto, branches, watchdog or probe:FILE:OFFSET, and --preempt-at's spin sites, checked before
 * the program starts.
 */
final class PreemptionChoice {
    private PreemptionChoice() {}

    static Preemption parse(String how, List<String> preemptAt, CommandLine line) {
        List<SpinSite> sites = sites(preemptAt, line);
        switch (how) {
            case "auto" -> {
                return checked(Preemption.auto(sites), sites, line);
            }
            case "watchdog" -> {
                return checked(Preemption.watchdog(sites), sites, line);
            }
            case "branches" -> {
                BranchCounters found = BranchCounters.detect();
                if (!found.available()) {
                    throw new ParameterException(line, "--preempt-by branches: this machine has no usable"
                            + " retired-branch counter (" + found.reason() + "); use auto, watchdog or probe:FILE:OFFSET");
                }
                return new Preemption(found.source(), found);
            }
            default -> {
                if (!how.startsWith("probe:")) {
                    throw new ParameterException(line, "--preempt-by: expected auto, branches, watchdog or"
                            + " probe:FILE:OFFSET, not '" + how + "'");
                }
                return new Preemption(probe(how.substring("probe:".length()), line), BranchCounters.detect());
            }
        }
    }

    /** --preempt-at's PROGRAM@0xADDRESS list, each checked for form; one line says what is wrong. */
    private static List<SpinSite> sites(List<String> specs, CommandLine line) {
        List<SpinSite> sites = new ArrayList<>();
        for (String spec : specs) {
            try {
                sites.add(SpinSite.parse(spec.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(line, "--preempt-at: " + e.getMessage());
            }
        }
        return sites;
    }

    /** Sites given where they cannot be counted: one line, rather than a run that silently ignores them. */
    private static Preemption checked(Preemption p, List<SpinSite> sites, CommandLine line) {
        if (sites.isEmpty() || p.ticks() != null || p.sites() != null) return p;
        throw new ParameterException(line, "--preempt-at: this machine cannot count executions of an instruction ("
                + p.breakpoints().describe() + ")");
    }

    /** FILE:OFFSET (offset decimal or 0x-hex), tried on detsim itself so that a bad one fails here, in one line. */
    private static TickSource probe(String spec, CommandLine line) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) throw new ParameterException(line, "--preempt-by probe: expected FILE:OFFSET, not '" + spec + "'");
        Path file = Path.of(spec.substring(0, colon)).toAbsolutePath();
        long offset;
        try {
            String n = spec.substring(colon + 1);
            offset = n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw new ParameterException(line, "--preempt-by probe: '" + spec.substring(colon + 1)
                    + "' is not an offset (decimal, or hex with 0x)");
        }
        if (!Files.isRegularFile(file)) throw new ParameterException(line, "--preempt-by probe: no such file: " + file);
        TickSource source = TickSource.probe(file, offset);
        int errno = source.check();
        if (errno != 0) {
            throw new ParameterException(line, "--preempt-by probe: cannot probe " + file + " at 0x"
                    + Long.toHexString(offset) + " (perf_event_open: " + Errno.name(errno)
                    + (errno == Errno.EINVAL ? "; is the offset inside the file's code?" : "") + ")");
        }
        return source;
    }
}
