package dev.detsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * search's --fail-on: what makes a seed's run a failure. Any criterion that holds makes it one: "exit" (a
 * non-zero status, which a signal and a deadlock are too), "signal", "deadlock", "regex:RE" (RE found in
 * stdout or stderr) or "check:CMD" (CMD, run by sh in the run's directory after the run, exits non-zero).
 */
final class FailOn {
    private final List<String> names;
    private final List<Pattern> patterns = new ArrayList<>();
    private final String checker;

    private FailOn(List<String> names, String checker) {
        this.names = names;
        this.checker = checker;
    }

    /**
     * The criteria given (none: "exit").
     *
     * @throws IllegalArgumentException saying what is wrong with one
     */
    static FailOn parse(List<String> given) {
        List<String> names = given == null || given.isEmpty() ? List.of("exit") : List.copyOf(given);
        String checker = null;
        FailOn f;
        for (String n : names) {
            if (n.startsWith("check:")) {
                if (checker != null) throw new IllegalArgumentException("--fail-on: one check:CMD only");
                checker = n.substring(6);
                if (checker.isBlank()) throw new IllegalArgumentException("--fail-on=check: needs a command");
            } else if (!n.startsWith("regex:") && !List.of("exit", "signal", "deadlock").contains(n)) {
                throw new IllegalArgumentException("--fail-on: '" + n + "' is none of exit, signal, deadlock, regex:RE,"
                        + " check:CMD");
            }
        }
        f = new FailOn(names, checker);
        for (String n : names) {
            if (!n.startsWith("regex:")) continue;
            try {
                f.patterns.add(Pattern.compile(n.substring(6), Pattern.MULTILINE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--fail-on: " + n + " is not a regular expression: "
                        + e.getDescription());
            }
        }
        return f;
    }

    /** The checker command, or null. */
    String checker() {
        return checker;
    }

    /** The criteria that hold for the run, joined by ","; "" when it passed. */
    String failedBy(Attempt a) {
        List<String> fired = new ArrayList<>();
        int regex = 0;
        for (String n : names) {
            boolean holds;
            if (n.equals("exit")) holds = a.status() != 0;
            else if (n.equals("signal")) holds = a.signal() != null;
            else if (n.equals("deadlock")) holds = a.deadlock();
            else if (n.startsWith("regex:")) {
                Pattern p = patterns.get(regex++);
                holds = p.matcher(a.stdout()).find() || p.matcher(a.stderr()).find();
            } else holds = a.checkStatus() != null && a.checkStatus() != 0;
            if (holds) fired.add(n);
        }
        return String.join(",", fired);
    }
}
