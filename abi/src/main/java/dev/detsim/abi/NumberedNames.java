package dev.detsim.abi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Loads a "name TAB number TAB description" table (errno.tsv, signals.tsv): number -> {name, description}. */
final class NumberedNames {
    private NumberedNames() {}

    static Map<Integer, String[]> load(String resource) {
        Map<Integer, String[]> table = new HashMap<>();
        try (var in = NumberedNames.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " missing from the class path");
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                // The first name listed for a number wins (the tables list no aliases, but stay safe).
                table.putIfAbsent(Integer.parseInt(f[1].trim()), new String[] {f[0].trim(), f.length > 2 ? f[2].trim() : ""});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
