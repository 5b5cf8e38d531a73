package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The detsim command: deterministic sandbox for database binaries. */
public final class Main implements Callable<Integer> {
    final CommandSpec spec = command(this, "detsim", new String[] {
        "Runs an unmodified Linux program under ptrace and seccomp-bpf."},
            "0..255:run: the traced program's own exit status (killed by signal S: 128+S)",
            "0/1:verify: all runs identical / the runs differ",
            "0..255:record: as run; replay: the recorded status when the run was identical",
            "0/1/3:feasibility: GO / NO-GO / INCOMPLETE",
            "0/42:search: nothing found / a bug (or a nondeterministic failure) found, in the bug base",
            "0/1:bugs: done / show: no entry has that id",
            "0/1:shrink: shrunk (its recording failed on every replay) / not shrunk (one line says why)",
            "0:syscalls: the table was printed",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "65:replay: the recording cannot be read; bugs, shrink: the bug base cannot be read (one line says why)",
            "70:internal error in detsim (search: also a run's detsim failed)",
            "86:run: deadlock (every thread waits and nothing can end a wait; detsim says who waits on what)",
            "87:replay: the run parted from the recording (detsim shows where)",
            "88:replay: a file the recording depends on changed or is gone; nothing was run",
            "126:the program exists but cannot be executed",
            "127:the program was not found",
            "130:search, shrink: stopped by SIGINT, SIGTERM, SIGHUP or SIGQUIT (the runs in progress were ended)");

    private static final List<String> COMMANDS = List.of("run", "verify", "record", "replay", "search", "bugs",
            "shrink", "feasibility", "syscalls");

    /** With the command args name, if they name one; else every command, for the help that lists them. */
    private Main(String[] args) {
        helpOptions(spec);
        // Each command's model takes a part of start-up to build; a run needs only its own.
        String named = args.length > 0 && COMMANDS.contains(args[0]) ? args[0] : null;
        for (String command : COMMANDS) {
            if (named == null || named.equals(command)) spec.addSubcommand(command, model(command));
        }
    }

    private static CommandSpec model(String command) {
        return switch (command) {
            case "run" -> new RunCommand().spec;
            case "verify" -> new VerifyCommand().spec;
            case "record" -> new RecordCommand().spec;
            case "replay" -> new ReplayCommand().spec;
            case "search" -> new SearchCommand().spec;
            case "bugs" -> new BugsCommand().spec;
            case "shrink" -> new ShrinkCommand().spec;
            case "feasibility" -> new FeasibilityCommand().spec;
            case "syscalls" -> new SyscallsCommand().spec;
            default -> throw new IllegalArgumentException(command);
        };
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        RunPrelude.startFor(args);
        PrintWriter err = new PrintWriter(System.err, true);
        int status;
        try {
            status = execute(args, new PrintWriter(System.out, true), err);
        } catch (Error e) {
            // Errors pass picocli's handlers: a libdetsim.so that cannot be loaded fails a class's initialisation.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println("detsim: internal error: " + cause);
            if (System.getenv("DETSIM_DEBUG") != null) e.printStackTrace(err);
            else err.println("detsim: set DETSIM_DEBUG=1 for the stack trace");
            status = ExitCodes.INTERNAL;
        }
        System.exit(status);
    }

    /** Runs the CLI with the given writers; tests call this in-process. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return newCommandLine(args, out, err).execute(args);
    }

    static CommandLine newCommandLine(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main(args).spec);
        cl.setOut(out);
        cl.setErr(err);
        cl.setStopAtPositional(true); // "detsim run ls -l": -l is ls's option
        CommandLine bugs = cl.getSubcommands().get("bugs");
        if (bugs != null) bugs.setStopAtPositional(false); // "bugs show ID --bugbase=DIR": no program there
        cl.setExitCodeExceptionMapper(t -> ExitCodes.INTERNAL);
        cl.setParameterExceptionHandler((ex, given) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("detsim: " + ex.getMessage());
            if (!(ex instanceof FileProblem)) c.usage(c.getErr()); // a bad path is said in one line
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println("detsim: internal error: " + ex);
            if (System.getenv("DETSIM_DEBUG") != null) ex.printStackTrace(c.getErr());
            else c.getErr().println("detsim: set DETSIM_DEBUG=1 for the stack trace");
            return ExitCodes.INTERNAL;
        });
        return cl;
    }
}
