package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.add;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.flag;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.isOn;
import static dev.detsim.cli.CommandModel.option;
import static dev.detsim.cli.CommandModel.positional;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import dev.detsim.recorder.bugs.BugBase;
import dev.detsim.recorder.bugs.BugBaseException;
import dev.detsim.recorder.bugs.BugEntry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** detsim bugs [--bugbase=DIR] [--json]; detsim bugs show ID; detsim bugs merge --into=DIR DIR... */
final class BugsCommand implements Callable<Integer> {
    static final int NOT_FOUND = 1;
    static final int UNREADABLE = 65;
    private static final String[] STATUSES = {"0:done", "1:show: no entry has that id",
        "2:bad options (one line says why)", "65:a bug base cannot be read, or written (one line says why)",
        "70:internal error in detsim"};

    final CommandSpec spec = command(this, "bugs", new String[] {
        "Lists the entries of a bug base (what detsim search found): one line each, or with --json a JSON"
                + " array of the entries (id, kind, signature, seeds, command, options, binaries, recording, history)."},
            STATUSES);
    private final OptionSpec bugbaseOption = bugbase(spec);
    private final OptionSpec jsonOption = flag(spec, "--json", "Print the entries as a JSON array.");

    BugsCommand() {
        helpOptions(spec);
        spec.addSubcommand("show", new Show().spec);
        spec.addSubcommand("merge", new Merge().spec);
    }

    private static OptionSpec bugbase(CommandSpec spec) {
        return option(spec, "--bugbase", "DIR", Path.class, "detsim-bugs", "The bug base. Default: ${DEFAULT-VALUE}.");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Path dir = bugbaseOption.getValue();
            if (!Files.isDirectory(dir)) throw new BugBaseException(dir + " is not a bug base: no such directory");
            List<BugEntry> entries = new BugBase(dir).entries();
            if (isOn(jsonOption)) out.println(BugBase.toJson(entries));
            else SearchTable.entries(out, entries);
            return 0;
        } catch (BugBaseException e) {
            spec.commandLine().getErr().println("detsim: bugs: " + e.getMessage());
            return UNREADABLE;
        }
    }

    /** detsim bugs show ID: one entry, in full, and how to replay its recording. */
    static final class Show implements Callable<Integer> {
        final CommandSpec spec = command(this, "show", new String[] {
            "Prints one entry (ID, or the start of one) as JSON, then how to replay its recording."}, STATUSES);
        private final PositionalParamSpec idParameter = positional(spec, PositionalParamSpec.builder().arity("1")
                .paramLabel("ID").type(String.class).description("The entry's id (or its first characters)."));
        private final OptionSpec bugbaseOption = bugbase(spec);

        Show() {
            helpOptions(spec);
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            Path dir = bugbaseOption.getValue();
            var parent = spec.commandLine().getParent();
            if (!spec.commandLine().getParseResult().hasMatchedOption("--bugbase") && parent != null
                    && parent.getParseResult().hasMatchedOption("--bugbase")) {
                dir = parent.getParseResult().matchedOptionValue("--bugbase", dir); // detsim bugs --bugbase=DIR show ID
            }
            try {
                if (!Files.isDirectory(dir)) throw new BugBaseException(dir + " is not a bug base: no such directory");
                BugBase base = new BugBase(dir);
                Optional<BugEntry> found = base.find(idParameter.getValue());
                if (found.isEmpty()) {
                    err.println("detsim: bugs show: " + dir + " has no entry " + idParameter.getValue());
                    return NOT_FOUND;
                }
                BugEntry e = found.get();
                out.println(BugBase.toJson(e));
                if (e.recording() != null) {
                    Path recording = base.entryDir(e.id()).resolve(e.recording());
                    out.println("replay (seed " + e.recordingSeed() + "): " + replayLine(recording));
                }
                return 0;
            } catch (BugBaseException e) {
                err.println("detsim: bugs show: " + e.getMessage());
                return UNREADABLE;
            }
        }

        /** The commands that replay the recording: its working directory was an empty one of the search's own. */
        private static String replayLine(Path recording) {
            try {
                Manifest m = Recording.open(recording).manifest();
                return "mkdir -p " + m.workingDirectory() + " && detsim replay " + recording;
            } catch (RecordingException ex) {
                return "detsim replay " + recording + " (" + ex.getMessage() + ")";
            }
        }
    }

    /** detsim bugs merge --into=DIR DIR...: order-independent and idempotent. */
    static final class Merge implements Callable<Integer> {
        final CommandSpec spec = command(this, "merge", new String[] {
            "Adds the entries of every bug base DIR to the one --into names (created if missing): entries of"
                    + " one id become one, with every seed and history of both, and the recording of the smaller"
                    + " seed. The order of the DIRs does not matter, and merging again changes nothing."}, STATUSES);
        private final OptionSpec intoOption = add(spec, OptionSpec.builder("--into").required(true).paramLabel("DIR")
                .type(Path.class).description("The bug base to merge into."));
        private final PositionalParamSpec fromParameter = positional(spec, PositionalParamSpec.builder().arity("1..*")
                .paramLabel("DIR").type(List.class).auxiliaryTypes(Path.class).description("The bug bases to merge."));

        Merge() {
            helpOptions(spec);
        }

        @Override
        public Integer call() {
            Path into = intoOption.getValue();
            try {
                Files.createDirectories(into);
                BugBase base = new BugBase(into);
                int n = base.mergeFrom(fromParameter.getValue());
                spec.commandLine().getErr().println("detsim: bugs merge: " + n + " entries merged into " + into + " ("
                        + base.entries().size() + " there now)");
                return 0;
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("detsim: bugs merge: cannot create " + into + ": " + e.getMessage());
                return UNREADABLE;
            } catch (BugBaseException e) {
                spec.commandLine().getErr().println("detsim: bugs merge: " + e.getMessage());
                return UNREADABLE;
            }
        }
    }
}
