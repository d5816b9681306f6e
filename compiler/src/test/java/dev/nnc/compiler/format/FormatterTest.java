package dev.nnc.compiler.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layout rules, one fixture each: {@code src/test/resources/format/<case>.in.nn} formats to
 * {@code <case>.out.nn}, which formats to itself.
 */
class FormatterTest {
    private static final Path FIXTURES = Path.of("src/test/resources/format");

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException {
        List<Path> inputs;
        try (Stream<Path> s = Files.list(FIXTURES)) {
            inputs = s.filter(p -> p.getFileName().toString().endsWith(".in.nn")).sorted()
                    .toList();
        }
        assertFalse(inputs.isEmpty(), "no fixtures in " + FIXTURES.toAbsolutePath());
        return inputs.stream().map(in -> DynamicTest.dynamicTest(in.getFileName().toString(),
                () -> {
                    String name = in.getFileName().toString().replace(".in.nn", ".out.nn");
                    String expected = Files.readString(in.resolveSibling(name),
                            StandardCharsets.UTF_8);
                    String actual = Formatter.format(Files.readString(in, StandardCharsets.UTF_8));
                    assertEquals(expected, actual, in.toString());
                    assertEquals(expected, Formatter.format(expected), "not a fixed point");
                }));
    }

    @Test
    void syntaxErrorsAreReportedWithTheirPlaceAndNoText() {
        SourceFile src = new SourceFile(Path.of("broken.nn").toAbsolutePath(), "broken.nn",
                "model M {\n    input [2\n    dense(1)\n}\n");
        Formatter.Result r = Formatter.format(src);
        assertFalse(r.ok());
        assertNull(r.text());
        assertFalse(r.diagnostics().isEmpty());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals(Code.SYNTAX, d.code());
        assertTrue(d.toString().startsWith("broken.nn:3:5: error[NN0101]: "), d.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Formatter.format("model M { dense(1 }"));
        assertTrue(e.getMessage().startsWith("<input>:1:"), e.getMessage());
    }

    @Test
    void lineEndsBecomeNewlinesAndTheFileEndsInOne() {
        String unix = "model M {\n    input [2]\n    dense(1)   // out\n}\n";
        assertEquals(Formatter.format(unix), Formatter.format(unix.replace("\n", "\r\n")));
        assertEquals(Formatter.format(unix), Formatter.format(unix.strip()));
        assertEquals("", Formatter.format("\n\n  \n"));
        assertEquals("// only a comment\n", Formatter.format("\n// only a comment   \n\n"));
    }

    @Test
    void aCommentInsideAnArgumentListBreaksTheLineAfterIt() {
        String src = "model M {\n data {\n  train: csv(\"a.csv\", // the file\n"
                + "  // the label\n  label: \"y\")\n }\n}\n";
        assertEquals("""
                model M {
                    data {
                        train: csv("a.csv",         // the file
                                   // the label
                                   label: "y")
                    }
                }
                """, Formatter.format(src));
    }

    @Test
    void theExampleOfTheClassComment() {
        String src = "model Xor{input [2] ; dense(2)->sigmoid\n"
                + "  dense( 1 )->sigmoid  // the output\n"
                + "  train{epochs:10,batch:1}}\n";
        assertEquals("""
                model Xor {
                    input [2]
                    dense(2) -> sigmoid
                    dense(1) -> sigmoid             // the output
                    train {
                        epochs: 10
                        batch: 1
                    }
                }
                """, Formatter.format(src));
    }
}
