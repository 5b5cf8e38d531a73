package dev.detsim.recorder.bugs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What makes two failures the same failure: how the run ended, which criterion called it a failure, the crash
 * site ("FILE:0xOFFSET (function+0xN)" as detsim run names it; null when no fault killed the program), the program's last stderr
 * line and the checker's first line, both normalised so that numbers (pids, counters, addresses, paths of a
 * seed's own directory) do not split one bug into many.
 *
 * @param outcome "exit N", "signal SIGNAME", "deadlock", or for a spot-check "re-run differs: WHAT"
 * @param failedBy the --fail-on criteria that fired, in the order given ("exit", "regex:RE", "check:CMD", ...)
 * @param site where the program crashed (FILE:0xOFFSET and the function), or null
 * @param stderr the program's last stderr line (detsim's own lines left out), normalised; "" when none
 * @param checker the checker's first output line, normalised; null without a checker
 */
public record Signature(String outcome, String failedBy, String site, String stderr, String checker) {
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    /** A line with hexadecimal numbers as 0xN and decimal ones as N, trimmed and clipped to 200 characters. */
    public static String normalise(String line) {
        if (line == null) return null;
        String s = NUMBER.matcher(HEX.matcher(line.strip()).replaceAll("0xN")).replaceAll("N");
        return s.length() <= 200 ? s : s.substring(0, 200);
    }

    /** The signature as one line, for tables. */
    public String describe() {
        StringBuilder b = new StringBuilder(outcome).append(" (").append(failedBy).append(')');
        if (site != null) b.append(" at ").append(site);
        if (stderr != null && !stderr.isEmpty()) b.append(" stderr: ").append(stderr);
        if (checker != null && !checker.isEmpty()) b.append(" check: ").append(checker);
        return b.toString();
    }

    /**
     * The id of the entry for failures of this signature and kind: the first 12 hex digits of a SHA-256 of both,
     * the same on every machine and in every shard, so that bug bases merge by id.
     */
    public String idFor(String kind) {
        String canonical = String.join("\u0000", kind, outcome, failedBy, String.valueOf(site), String.valueOf(stderr),
                String.valueOf(checker));
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
