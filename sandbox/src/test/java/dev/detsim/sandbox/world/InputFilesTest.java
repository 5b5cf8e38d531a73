package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What record learns of the files a run used: a line per file as first met, and copies taken before changes. */
class InputFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsChangesAndCreationsAreToldOnceWithTheContentAsItWasBefore() throws Exception {
        Path out = dir.resolve("out"), files = Files.createDirectory(dir.resolve("files"));
        Path db = Files.writeString(files.resolve("db"), "before"), notes = Files.writeString(files.resolve("notes"), "n");
        Path link = Files.createSymbolicLink(files.resolve("link"), Path.of("db"));
        Path sub = Files.createDirectory(files.resolve("sub"));
        Files.createLink(files.resolve("db-link"), db);
        try (InputFiles inputs = new InputFiles(out)) {
            inputs.read(notes.toString());
            inputs.read(db.toString());
            inputs.changing(db.toString());
            Files.writeString(db, "after"); // what the run does once told
            inputs.changing(db.toString()); // told once: the copy is of the first
            inputs.read(db.toString());
            inputs.changing(files.resolve("new").toString());
            inputs.changing(link.toString());
            inputs.changing(sub.toString());
            inputs.read(files.resolve("tab\there").toString()); // no such file: nothing
        }
        List<String> lines = Files.readAllLines(out.resolve(InputFiles.LOG));
        assertEquals("read\t" + notes, lines.get(0));
        assertEquals("read\t" + db, lines.get(1));
        String[] before = lines.get(2).split("\t");
        assertEquals(List.of("before", db.toString(), "file", "1"), List.of(before[0], before[1], before[2], before[6]));
        assertEquals(Integer.toOctalString((Integer) Files.getAttribute(db, "unix:mode") & 0777), before[3]);
        assertEquals("2", before[7], "its link count");
        assertEquals("absent\t" + files.resolve("new"), lines.get(3));
        assertEquals("symlink", lines.get(4).split("\t")[2]);
        assertEquals("db", lines.get(4).split("\t")[6]);
        assertEquals("directory", lines.get(5).split("\t")[2]);
        assertEquals(6, lines.size());
        assertEquals("before", Files.readString(out.resolve(InputFiles.BEFORE).resolve("1")));
    }

    @Test
    void pathsWithTabsNewlinesAndPercentsSurviveALine() {
        String odd = "/a\tb\nc%d\re";
        assertEquals(odd, InputFiles.unescape(InputFiles.escape(odd)));
        assertEquals(-1, InputFiles.escape(odd).indexOf('\t'));
        assertEquals(-1, InputFiles.escape(odd).indexOf('\n'));
    }
}
