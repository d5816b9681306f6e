package dev.nnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static OutputFiles.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSetIsReplacedWholeOnCommit() throws IOException {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("sub/b.txt");
        Files.writeString(a, "old a");
        try (OutputFiles set = new OutputFiles()) {
            set.stage(a, text("new a"));
            set.stage(b, text("new b"));
            assertEquals("old a", Files.readString(a), "nothing replaced before the commit");
            set.commit();
        }
        assertEquals("new a", Files.readString(a));
        assertEquals("new b", Files.readString(b));
        assertEquals(List.of("a.txt", "sub"), names(), "no temporary file left");
    }

    /**
     * A discard (a second Ctrl-C) that comes while another thread still stages files: nothing
     * staged after it is created, so no temporary file outlives the process that halts next.
     */
    @Test
    void nothingIsStagedAfterADiscard() throws IOException {
        Path a = dir.resolve("a.txt");
        Files.writeString(a, "old a");
        OutputFiles set = new OutputFiles();
        set.stage(a, text("new a"));
        assertTrue(set.discard());
        assertThrows(WeightsException.class, () -> set.stage(dir.resolve("b.txt"), text("b")));
        assertThrows(WeightsException.class,
                () -> set.stageDirectory(dir.resolve("report"), d -> { }));
        assertEquals(List.of("a.txt"), names(), "no temporary file left");
        assertEquals("old a", Files.readString(a));
    }

    /** A write that fails (here: as on a full disk) leaves every target as it was. */
    @Test
    void aFailedWriteLeavesThePreviousFilesAndNamesTheFile() throws IOException {
        Path a = dir.resolve("w.safetensors");
        Path b = dir.resolve("w.history.csv");
        Files.writeString(a, "old weights");
        Files.writeString(b, "old history");
        WeightsException e;
        try (OutputFiles set = new OutputFiles()) {
            set.stage(a, text("new weights"));
            e = assertThrows(WeightsException.class, () -> set.stage(b, out -> {
                out.write("epoch,loss\n1,0.5".getBytes(StandardCharsets.UTF_8));
                throw new IOException("No space left on device");
            }));
        }
        assertEquals("cannot write " + b + ": No space left on device", e.getMessage());
        assertEquals("old weights", Files.readString(a));
        assertEquals("old history", Files.readString(b));
        assertEquals(List.of("w.history.csv", "w.safetensors"), names());
    }

    @Test
    void aDirectoryIsFilledFileByFileAndKeepsItsOtherFiles() throws IOException {
        Path rep = dir.resolve("report");
        Files.createDirectories(rep);
        Files.writeString(rep.resolve("notes.txt"), "mine");
        Files.writeString(rep.resolve("index.html"), "old");
        try (OutputFiles set = new OutputFiles()) {
            set.stageDirectory(rep, d -> {
                try {
                    Files.writeString(d.resolve("index.html"), "new");
                    Files.writeString(d.resolve("loss.png"), "png");
                } catch (IOException x) {
                    throw new AssertionError(x);
                }
            });
            set.commit();
        }
        assertEquals("new", Files.readString(rep.resolve("index.html")));
        assertEquals("mine", Files.readString(rep.resolve("notes.txt")));
        assertTrue(Files.exists(rep.resolve("loss.png")));
        assertEquals(List.of("report"), names());
    }

    @Test
    void discardAfterCommitSaysTheFilesAreInPlace() {
        OutputFiles set = new OutputFiles();
        set.stage(dir.resolve("x"), text("x"));
        set.commit();
        assertFalse(set.discard());
        OutputFiles other = new OutputFiles();
        other.stage(dir.resolve("y"), text("y"));
        assertTrue(other.discard());
        assertFalse(Files.exists(dir.resolve("y")));
    }

    @Test
    void staleTemporaryFilesOfDeadProcessesAreRemovedAndOthersKept() throws IOException {
        Path target = dir.resolve("m.safetensors");
        Path dead = dir.resolve(".m.safetensors.2147483646.ab12.tmp");
        Path mine = dir.resolve(".m.safetensors." + ProcessHandle.current().pid() + ".cd.tmp");
        Path otherName = dir.resolve(".n.safetensors.2147483646.ab12.tmp");
        for (Path p : List.of(dead, mine, otherName)) {
            Files.writeString(p, "partial");
        }
        assertEquals(1, OutputFiles.cleanStale(target));
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(mine));
        assertTrue(Files.exists(otherName));
    }

    @Test
    void checkWritableNamesWhatIsInTheWay() throws IOException {
        Path file = dir.resolve("f");
        Files.writeString(file, "x");
        WeightsException e = assertThrows(WeightsException.class,
                () -> OutputFiles.checkWritable(file.resolve("w.safetensors"), false));
        assertEquals("cannot write " + file.resolve("w.safetensors") + ": " + file
                + ": not a directory", e.getMessage());
        e = assertThrows(WeightsException.class, () -> OutputFiles.checkWritable(dir, false));
        assertEquals("cannot write " + dir + ": it is a directory", e.getMessage());
        e = assertThrows(WeightsException.class, () -> OutputFiles.checkWritable(file, true));
        assertEquals("cannot write " + file + ": a file of that name is in the way",
                e.getMessage());
        OutputFiles.checkWritable(dir.resolve("new/dir/w.safetensors"), false);
        assertTrue(Files.isDirectory(dir.resolve("new/dir")));
        assertEquals(List.of("f", "new"), names());
    }
}
