package dev.detsim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The detsim command: deterministic sandbox for database binaries. */
@Command(name = "detsim",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Runs an unmodified Linux program under ptrace and seccomp-bpf.",
        subcommands = {RunCommand.class, VerifyCommand.class, RecordCommand.class, ReplayCommand.class,
                FeasibilityCommand.class, SyscallsCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0..255:run: the traced program's own exit status (killed by signal S: 128+S)",
            "0/1:verify: all runs identical / the runs differ",
            "0..255:record: as run; replay: the recorded status when the run was identical",
            "0/1/3:feasibility: GO / NO-GO / INCOMPLETE",
            "0:syscalls: the table was printed",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "65:replay: the recording cannot be read (one line says why)",
            "70:internal error in detsim",
            "86:run: deadlock (every thread waits and nothing can end a wait; detsim says who waits on what)",
            "87:replay: the run parted from the recording (detsim shows where)",
            "88:replay: a file the recording depends on changed or is gone; nothing was run",
            "126:the program exists but cannot be executed",
            "127:the program was not found"})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given writers; tests call this in-process. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err).execute(args);
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setStopAtPositional(true); // "detsim run ls -l": -l is ls's option
        cl.setExitCodeExceptionMapper(t -> ExitCodes.INTERNAL);
        cl.setParameterExceptionHandler((ex, args) -> {
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
