package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.flagBuilder;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.isOn;

import dev.detsim.sandbox.Sandbox;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.syscall.SyscallTable;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** detsim syscalls [--json | --markdown]: the syscall table with who handles what (issue 18, item 4). */
final class SyscallsCommand implements Callable<Integer> {
    /** Joins the handlers of one syscall, first to last. */
    static final String THEN = " > ";

    final CommandSpec spec = command(this, "syscalls", new String[] {
        "Prints what detsim does with each syscall of this machine's architecture, one row per syscall: its"
                + " name, its number, who sees it in dispatch order (\"tracer\" for the tracer's own, then the"
                + " handlers, \"(only when argN in {...})\" for those that stop only for some argument values,"
                + " \"-\" when it never stops), its support level and a note.",
        "Support levels: full (made deterministic entirely by detsim), partial (handled, with the gaps the"
                + " note names), passthrough (runs in the kernel unchanged; the note names a leak), refused"
                + " (detsim answers an error). Runs no program."},
            "0:the table was printed",
            "2:bad options (one line says which)",
            "70:internal error in detsim");
    // One format at most: --json | --markdown | --limits.
    private final OptionSpec jsonOption = flagBuilder("--json", "A JSON array, one object per syscall: name, number,"
            + " handlers (an array, in dispatch order), support, note (\"\" when there is nothing to say).").build();
    private final OptionSpec markdownOption = flagBuilder("--markdown", "docs/SYSCALLS.md: every syscall of x86_64 and"
            + " aarch64, with both numbers (./detsim syscalls --markdown > docs/SYSCALLS.md).").build();
    private final OptionSpec limitsOption = flagBuilder("--limits", "The syscall-by-syscall part of docs/LIMITS.md: every"
            + " syscall that is refused, partial, or passes through with a known leak, and its note.").build();

    SyscallsCommand() {
        spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("0..1").addArg(jsonOption)
                .addArg(markdownOption).addArg(limitsOption).build());
        helpOptions(spec);
    }

    /** One syscall as printed. */
    record Row(Syscall syscall, String name, int number, List<String> handlers, String support, String note) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<Syscall, List<String>> order = Sandbox.dispatchOrder();
        if (isOn(markdownOption)) {
            out.print(markdown(order));
        } else if (isOn(limitsOption)) {
            out.print(limits());
        } else {
            List<Row> rows = rows(order, Arch.current().name());
            out.print(isOn(jsonOption) ? json(rows) : text(rows));
        }
        out.flush();
        return 0;
    }

    /** The syscalls that have a number in archColumn ("x86_64", "aarch64"), in the table's (name) order. */
    static List<Row> rows(Map<Syscall, List<String>> order, String archColumn) {
        SyscallTable table = SyscallTable.get();
        return java.util.Arrays.stream(Syscall.values())
                .filter(s -> table.number(s, archColumn) >= 0)
                .map(s -> new Row(s, s.kernelName(), table.number(s, archColumn), order.getOrDefault(s, List.of()),
                        table.support(s).label(), table.note(s)))
                .toList();
    }

    static String text(List<Row> rows) {
        int name = "SYSCALL".length(), handlers = "HANDLERS".length();
        for (Row r : rows) {
            name = Math.max(name, r.name().length());
            handlers = Math.max(handlers, handlers(r.handlers()).length());
        }
        String format = "%-" + name + "s  %4s  %-" + handlers + "s  %-11s  %s";
        StringBuilder b = new StringBuilder();
        b.append(String.format(format, "SYSCALL", "NR", "HANDLERS", "SUPPORT", "NOTE").stripTrailing()).append('\n');
        for (Row r : rows) {
            b.append(String.format(format, r.name(), r.number(), handlers(r.handlers()), r.support(),
                    r.note().isEmpty() ? "-" : r.note()).stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String handlers(List<String> handlers) {
        return handlers.isEmpty() ? "-" : String.join(THEN, handlers);
    }

    static String json(List<Row> rows) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append("{\"name\":").append(jsonString(r.name())).append(",\"number\":").append(r.number())
                    .append(",\"handlers\":[");
            for (int j = 0; j < r.handlers().size(); j++) {
                if (j > 0) b.append(',');
                b.append(jsonString(r.handlers().get(j)));
            }
            b.append("],\"support\":").append(jsonString(r.support())).append(",\"note\":")
                    .append(jsonString(r.note())).append('}').append(i < rows.size() - 1 ? ",\n" : "\n");
        }
        return b.append("]\n").toString();
    }

    /** s as a JSON string literal (RFC 8259: quote, backslash and control characters escaped). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** docs/SYSCALLS.md: both architectures' numbers, so the file does not depend on the host's. */
    static String markdown(Map<Syscall, List<String>> order) {
        SyscallTable table = SyscallTable.get();
        Map<SyscallTable.Support, Integer> counts = new EnumMap<>(SyscallTable.Support.class);
        for (Syscall s : Syscall.values()) counts.merge(table.support(s), 1, Integer::sum);
        StringBuilder b = new StringBuilder();
        b.append("# Syscalls\n\n");
        b.append("<!-- GENERATED by `./detsim syscalls --markdown > docs/SYSCALLS.md` from syscalls.tsv and the\n");
        b.append("     handler chain; SyscallsCommandTest fails when this file is stale. Do not edit by hand. -->\n\n");
        b.append("What detsim does with every Linux syscall of x86_64 and aarch64: who sees it when the program makes\n");
        b.append("it (the tracer's own, then the handlers in dispatch order; `only when` marks a handler that stops\n");
        b.append("the call for some argument values only; `-`: the call never stops), and how far the result is\n");
        b.append("detsim's. The rules are docs/SEMANTICS.md, the gaps docs/LIMITS.md; the data is\n");
        b.append("`sandbox/src/main/resources/dev/detsim/sandbox/syscall/syscalls.tsv`, and `detsim syscalls` prints\n");
        b.append("it for the machine it runs on (where inotify is unavailable the data writes, `pwrite64` and the\n");
        b.append("like, stop for FileChangeHandler too).\n\n");
        b.append("- **full**: made deterministic entirely by detsim (answered, or run in a way whose result cannot differ)\n");
        b.append("- **partial**: handled, with documented gaps (the note names them)\n");
        b.append("- **passthrough**: runs in the kernel unchanged: deterministic by nature for most (getpid in the pid\n");
        b.append("  namespace), or a known leak, which the note names\n");
        b.append("- **refused**: detsim answers an error\n\n");
        b.append(Syscall.values().length).append(" syscalls: ");
        String sep = "";
        for (SyscallTable.Support s : SyscallTable.Support.values()) {
            b.append(sep).append(counts.getOrDefault(s, 0)).append(' ').append(s.label());
            sep = ", ";
        }
        b.append(".\n\n");
        b.append("| syscall | x86_64 | aarch64 | handlers | support | note |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Syscall s : Syscall.values()) {
            int x86 = table.number(s, "x86_64"), a64 = table.number(s, "aarch64");
            b.append("| `").append(s.kernelName()).append("` | ").append(x86 < 0 ? "-" : Integer.toString(x86))
                    .append(" | ").append(a64 < 0 ? "-" : Integer.toString(a64)).append(" | ")
                    .append(cell(handlers(order.getOrDefault(s, List.of())))).append(" | ")
                    .append(table.support(s).label()).append(" | ")
                    .append(cell(table.note(s).isEmpty() ? "-" : table.note(s))).append(" |\n");
        }
        return b.toString();
    }

    /** Markers around the generated part of docs/LIMITS.md. */
    static final String LIMITS_BEGIN = "<!-- BEGIN: generated by ./detsim syscalls --limits (SyscallsCommandTest checks it) -->\n",
            LIMITS_END = "<!-- END: generated -->\n";

    /** Refused, partial, and leaking passthrough syscalls with their notes, as docs/LIMITS.md lists them. */
    static String limits() {
        SyscallTable table = SyscallTable.get();
        StringBuilder b = new StringBuilder(LIMITS_BEGIN);
        for (SyscallTable.Support level : List.of(SyscallTable.Support.REFUSED, SyscallTable.Support.PARTIAL,
                SyscallTable.Support.PASSTHROUGH)) {
            b.append("\n**").append(level.label()).append("**").append(level == SyscallTable.Support.PASSTHROUGH
                    ? " (a leak the note names; the others are deterministic by nature)" : "").append(":\n\n");
            for (Syscall s : Syscall.values()) {
                if (table.support(s) != level || level == SyscallTable.Support.PASSTHROUGH && table.note(s).isEmpty()) {
                    continue;
                }
                b.append("- `").append(s.kernelName()).append('`')
                        .append(table.note(s).isEmpty() ? "" : ": " + table.note(s)).append('\n');
            }
        }
        return b.append('\n').append(LIMITS_END).toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
