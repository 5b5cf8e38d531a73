package dev.detsim.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * picocli's model of detsim's commands, built in code rather than read from annotations: for annotations the JDK
 * makes a proxy class per annotation type at every start and picocli reads each option's attributes through it by
 * reflection, and a JDK 25 AOT cache keeps neither (a large part of start-up: docs/PERFORMANCE.md). The help it
 * prints is the same. A command's options are listed in the order they are added.
 */
final class CommandModel {
    private CommandModel() {}

    /**
     * A command that runs {@code command} and prints detsim's version; its description paragraphs, and exit
     * statuses as "STATUS:meaning". Finish it with {@link #helpOptions}.
     */
    static CommandSpec command(Object command, String name, String[] description, String... exitStatuses) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name).versionProvider(new Version());
        spec.usageMessage().description(description).sortOptions(false).exitCodeListHeading("%nExit status:%n")
                .exitCodeList(UsageMessageSpec.keyValuesMap(exitStatuses));
        return spec;
    }

    /** -h/--help and -V/--version, last, as picocli's mixinStandardHelpOptions words them. */
    static void helpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
    }

    /** An option with a value of type; defaultValue null when it has none (its value is then null). */
    static OptionSpec option(CommandSpec spec, String name, String paramLabel, Class<?> type, String defaultValue,
                             String description) {
        return add(spec, OptionSpec.builder(name).paramLabel(paramLabel).type(type).defaultValue(defaultValue)
                .description(description));
    }

    /** Any other option. */
    static OptionSpec add(CommandSpec spec, OptionSpec.Builder option) {
        OptionSpec built = option.build();
        spec.addOption(built);
        return built;
    }

    /** An option without a value: on when given. */
    static OptionSpec flag(CommandSpec spec, String name, String description) {
        return add(spec, flagBuilder(name, description));
    }

    static OptionSpec.Builder flagBuilder(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).initialValue(false).description(description);
    }

    /** CMD...: the program and its arguments, at least one. */
    static PositionalParamSpec programArguments(CommandSpec spec) {
        return positional(spec, PositionalParamSpec.builder().arity("1..*").required(true).paramLabel("CMD")
                .type(List.class).auxiliaryTypes(String.class).description("The program and its arguments."));
    }

    /** Any other positional parameter. */
    static PositionalParamSpec positional(CommandSpec spec, PositionalParamSpec.Builder parameter) {
        PositionalParamSpec built = parameter.build();
        spec.addPositional(built);
        return built;
    }

    static boolean isOn(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }
}
