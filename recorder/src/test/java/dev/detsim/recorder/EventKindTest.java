package dev.detsim.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/EVENT-LOG.md documents exactly the kinds of event the tracer records. */
class EventKindTest {
    @Test
    void theFormatDocumentListsEveryKindAndNoOther() throws Exception {
        String doc = Files.readString(Path.of("../docs/EVENT-LOG.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(doc);
        while (row.find()) documented.add(row.group(1));
        Set<String> recorded = new TreeSet<>();
        Arrays.stream(EventKind.values()).map(EventKind::label).forEach(recorded::add);
        assertEquals(recorded, documented);
    }
}
