package dev.detsim.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Replay of a run that had outside TCP clients runs in a network namespace of its own, with only loopback up:
 * the recorded listen addresses are free there, nothing outside can connect, and detsim's stand-ins for the
 * clients connect from their recorded addresses (docs/RECORDING.md, "Outside peers").
 */
final class OwnNetwork {
    private OwnNetwork() {}

    /** command, run by unshare --net after bringing lo up. */
    static List<String> wrap(List<String> command) {
        List<String> c = new ArrayList<>(List.of("unshare", "--net", "--", "/bin/sh", "-c",
                "ip link set lo up || exit 70; exec \"$@\"", "detsim-replay"));
        c.addAll(command);
        return c;
    }
}
