package dev.nnc.cli;

import static dev.nnc.cli.MainTest.nnc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.cli.MainTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nnc fmt}: rewrites only what changes, checks, walks directories, refuses bad files. */
class FmtCommandTest {
    private static final String MESSY = "model M{input [2];dense(1)->sigmoid // out\n"
            + "loss binary_cross_entropy\ntrain{epochs:10,batch:1}}\n";
    private static final String FORMATTED = """
            model M {
                input [2]
                dense(1) -> sigmoid             // out
                loss binary_cross_entropy
                train {
                    epochs: 10
                    batch: 1
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void theExamplesOfTheRepositoryAreFormatted() {
        Path examples = Path.of("..", "examples").normalize();
        Run r = nnc("fmt", "--check", examples.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals("", r.out(), r.all());
    }

    @Test
    void rewritesAFileThatChangesAndLeavesAFormattedOneUntouched() throws IOException {
        Path messy = write("messy.nn", MESSY);
        Path tidy = write("tidy.nn", FORMATTED);
        FileTime before = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(tidy, before);
        Files.setPosixFilePermissions(messy, PosixFilePermissions.fromString("rw-r-----"));

        Run r = nnc("fmt", messy.toString(), tidy.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(messy + ": formatted\n", r.out(), r.all());
        assertEquals(FORMATTED, Files.readString(messy));
        assertEquals(before, Files.getLastModifiedTime(tidy), "an unchanged file was written");
        assertEquals("rw-r-----",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(messy)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "a temporary file was left behind");
        }

        Run again = nnc("fmt", messy.toString(), tidy.toString());
        assertEquals(0, again.code(), again.all());
        assertEquals("", again.out(), again.all());
    }

    @Test
    void aSymbolicLinkStaysALinkToTheFormattedFile() throws IOException {
        Path target = write("target.nn", MESSY);
        Path link = Files.createSymbolicLink(dir.resolve("link.nn"), target.getFileName());

        Run r = nnc("fmt", link.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals(FORMATTED, Files.readString(target));
    }

    @Test
    void checkListsTheFilesThatWouldChangeAndChangesNothing() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Path messy = write("sub/messy.nn", MESSY);
        write("sub/tidy.nn", FORMATTED);
        write("sub/notes.txt", "not a model {");

        Run r = nnc("fmt", "--check", dir.toString());
        assertEquals(1, r.code(), r.all());
        assertEquals(messy + "\n", r.out(), r.all());
        assertEquals(MESSY, Files.readString(messy));

        nnc("fmt", sub.toString());
        Run clean = nnc("fmt", "--check", dir.toString());
        assertEquals(0, clean.code(), clean.all());
        assertEquals("", clean.out(), clean.all());
    }

    @Test
    void aFileWithSyntaxErrorsIsReportedAndLeftAsItIs() throws IOException {
        String broken = "model M {\n    input [2\n    dense(1)\n}\n";
        Path bad = write("bad.nn", broken);
        Path messy = write("messy.nn", MESSY);

        Run r = nnc("fmt", bad.toString(), messy.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("bad.nn:3:5: error[NN0101]: "), r.all());
        assertFalse(r.err().contains("Exception"), r.all());
        assertEquals(broken, Files.readString(bad));
        assertEquals(FORMATTED, Files.readString(messy), "the good file is still formatted");
    }

    @Test
    void aMissingFileIsAnErrorAndHelpExplains() {
        Run r = nnc("fmt", dir.resolve("nope.nn").toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("nope.nn: no such file or directory"), r.all());

        Run help = nnc("fmt", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("--check"), help.all());
        assertTrue(help.out().contains("canonical layout"), help.all());
        assertTrue(nnc("--help").out().contains("fmt"));
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
