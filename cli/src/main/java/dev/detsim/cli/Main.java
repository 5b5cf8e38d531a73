package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The detsim command: deterministic sandbox for database binaries. */
public final class Main implements Callable<Integer> {
    final CommandSpec spec = command(this, "detsim", new String[] {
        "Runs an unmodified Linux program under ptrace and seccomp-bpf."},
            "0..255:run: the traced program's own exit status (killed by signal S: 128+S)",
            "0/1:verify: all runs identical / the runs differ",
            "0/1/3:feasibility: GO / NO-GO / INCOMPLETE",
            "0:syscalls: the table was printed",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "70:internal error in detsim",
            "86:run: deadlock (every thread waits and nothing can end a wait; detsim says who waits on what)",
            "126:the program exists but cannot be executed",
            "127:the program was not found");

    private Main() {
        helpOptions(spec);
        spec.addSubcommand("run", new RunCommand().spec);
        spec.addSubcommand("verify", new VerifyCommand().spec);
        spec.addSubcommand("feasibility", new FeasibilityCommand().spec);
        spec.addSubcommand("syscalls", new SyscallsCommand().spec);
    }

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
        CommandLine cl = new CommandLine(new Main().spec);
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
