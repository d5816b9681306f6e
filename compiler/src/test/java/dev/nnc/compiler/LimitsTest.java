package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.DiagnosticPrinter;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Limits;
import dev.nnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs that once hung the compiler, overflowed its stack or memory, or crashed javac later are
 * answered within a second or two by one diagnostic of the catalog, at the offending place.
 */
class LimitsTest {
    private static final String MODEL = "model M {\n    input [2]\n    %s\n    loss mse\n"
            + "    optimizer sgd(lr: 0.1)\n    train { epochs: 1 %s }\n}\n";

    static Stream<Arguments> hostile() {
        StringBuilder groups = new StringBuilder("group g0() { dense(1) }\n");
        for (int i = 1; i < 3000; i++) {
            groups.append("group g").append(i).append("() { g").append(i - 1).append(" }\n");
        }
        StringBuilder doubling = new StringBuilder("group g0() { }\n");
        for (int i = 1; i <= 30; i++) {
            doubling.append("group g").append(i).append("() { g").append(i - 1).append(" g")
                    .append(i - 1).append(" }\n");
        }
        return Stream.of(
                Arguments.of("2,001 terms", "let x = " + "1 + ".repeat(2000) + "1\n",
                        Code.EXPRESSION_TOO_LONG),
                Arguments.of("parentheses", "let x = " + "(".repeat(10_000) + "1"
                        + ")".repeat(10_000) + "\n", Code.NESTING_TOO_DEEP),
                Arguments.of("unary minus", "let x = " + "-".repeat(10_000) + "1\n",
                        Code.NESTING_TOO_DEEP),
                Arguments.of("lists", "let x = " + "[".repeat(10_000) + "1"
                        + "]".repeat(10_000) + "\n", Code.NESTING_TOO_DEEP),
                Arguments.of("nested repeat", String.format(MODEL, "repeat 1 { ".repeat(3000)
                        + "dense(1)" + " }".repeat(3000), ""), Code.NESTING_TOO_DEEP),
                Arguments.of("3,000 or terms", String.format(MODEL, "dense(1)",
                        ", stop: " + "loss < 0.1 or ".repeat(2999) + "loss < 0.1"),
                        Code.EXPRESSION_TOO_LONG),
                Arguments.of("1,001 or terms", String.format(MODEL, "dense(1)",
                        ", stop: " + "loss < 0.1 or ".repeat(1000) + "loss < 0.1"),
                        Code.EXPRESSION_TOO_LONG),
                Arguments.of("3,000 chained groups", groups + String.format(MODEL, "g2999", ""),
                        Code.GROUPS_TOO_DEEP),
                Arguments.of("2^30 group expansions", doubling + String.format(MODEL,
                        "dense(1) g30", ""), Code.EXPANSION_TOO_LARGE),
                Arguments.of("10^12 repeats", String.format(MODEL, "dense(1) repeat 10000 { "
                        + "repeat 10000 { repeat 10000 { } } }", ""), Code.EXPANSION_TOO_LARGE),
                Arguments.of("4.29e9 parameters", String.format(MODEL, "dense(65536)", "")
                        .replace("input [2]", "input [65536]"), Code.MODEL_TOO_LARGE),
                Arguments.of("65537 x 65536", String.format(MODEL, "dense(65536) dense(1)", "")
                        .replace("input [2]", "input [65537]"), Code.MODEL_TOO_LARGE),
                Arguments.of("rnn(65536)", String.format(MODEL, "rnn(65536)", "")
                        .replace("input [2]", "input [3, 2]"), Code.MODEL_TOO_LARGE),
                Arguments.of("l1 1e308", String.format(MODEL, "dense(1)", ", l1: 1e308"),
                        Code.ARGUMENT_RANGE),
                Arguments.of("l2 1e39", String.format(MODEL, "dense(1)", ", l2: 1e39"),
                        Code.ARGUMENT_RANGE),
                Arguments.of("50,000 arguments", String.format(MODEL, "dense(1"
                        + ", 1".repeat(50_000) + ")", ""), Code.ARGUMENT_LIMIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void answeredAtOnceWithACatalogDiagnostic(String name, String source, Code expected) {
        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Models.compile(source), name);
        assertTrue(c.hasErrors(), name);
        assertTrue(c.diagnostics().stream().anyMatch(d -> d.code() == expected),
                name + ": " + c.diagnostics());
        String shown = c.renderDiagnostics();
        assertTrue(shown.length() < 50_000, name + ": " + shown.length() + " characters shown");
    }

    @Test
    void aChainOfImportsStopsAtItsLimit(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 3000; i++) {
            Files.writeString(dir.resolve("f" + i + ".nn"), (i + 1 < 3000 ? "import \"f" + (i + 1)
                    + ".nn\"\n" : "") + "let c" + i + " = 1\n");
        }
        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> NnCompiler
                .compile(dir.resolve("f0.nn"), NnCompiler.Options.defaults()
                        .withRequireModel(false)));
        assertEquals(1, c.diagnostics().size(), c.diagnostics().toString());
        assertEquals(Code.IMPORTS_TOO_DEEP, c.diagnostics().get(0).code());
    }

    @Test
    void anImportPathThatNoFileSystemTakesIsAnErrorNotACrash(@TempDir Path dir) {
        SourceFile file = new SourceFile(dir.resolve("m.nn"), "m.nn",
                "import \"..\u0000common/layers.nn\"\nlet c = 1\n");
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults()
                .withRequireModel(false));
        assertEquals(1, c.diagnostics().size(), c.diagnostics().toString());
        assertEquals(Code.FILE_NOT_FOUND, c.diagnostics().get(0).code());
        assertTrue(c.renderDiagnostics().contains("m.nn:1:8"), c.renderDiagnostics());
    }

    @Test
    void twoHundredThousandBadLinesAreCountedNotAllShown() {
        String source = "model M {\n    input [2]\n" + "    desne(2)\n".repeat(200_000)
                + "    loss mse\n}\n";
        // NOTE: about 2 s on an idle machine (parsing 2.6 MB), over 60 s when each report
        // compared itself with every earlier diagnostic; the bound leaves room for a busy one.
        Compilation c = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> Models.compile(source));
        assertEquals(Diagnostics.MAX_PER_FILE + 1, c.diagnostics().size());
        Diagnostic last = c.diagnostics().get(c.diagnostics().size() - 1);
        assertEquals(Code.TOO_MANY_DIAGNOSTICS, last.code());
        assertTrue(last.message().startsWith("more diagnostics in this file not shown: "),
                last.message());
        assertTrue(c.hasErrors());
    }

    @Test
    void aLongLineIsClippedAroundTheCaret() {
        String line = "    dense(1) " + "x".repeat(100_000) + " desne(2) " + "y".repeat(100_000);
        Compilation c = Models.compile("model M {\n    input [2]\n" + line + "\n}\n");
        Diagnostic d = c.diagnostics().stream().filter(x -> x.message().contains("'desne'"))
                .findFirst().orElseThrow(() -> new AssertionError("no diagnostic at desne"));
        String shown = DiagnosticPrinter.render(d);
        String[] lines = shown.split("\n");
        assertTrue(lines[1].length() < 200, lines[1].length() + " characters echoed");
        int caret = lines[2].indexOf('^');
        assertEquals("desne", lines[1].substring(caret, caret + 5), shown);
        assertTrue(c.renderDiagnostics().length() < 5_000, "every message and line clipped");
    }

    @Test
    void controlCharactersAreEscapedAndTheCaretStaysUnderItsText() {
        Compilation c = Models.compile("model M {\n    input [2]\n    \u001b[31m\u0007 desne(2)\n"
                + "    loss mse\n}\n");
        String shown = c.renderDiagnostics();
        assertFalse(shown.contains("\u001b") || shown.contains("\u0007"), shown);
        assertTrue(shown.contains("\\x1b[31m\\x07"), shown);
    }

    @Test
    void theCaretStaysUnderItsTextPastCharactersOutsideTheBasicPlaneAndTabs() {
        // 𝑥 and 😀 are one code point each (the compiler's column) and two UTF-16 chars; the
        // line is 98 code points, short enough to be echoed whole
        String line = "\t/* \u0007 " + "\uD835\uDC65\uD83D\uDE00".repeat(40) + " */\tdesne(2)";
        String[] lines = caretAtDesne(line, 91);
        assertFalse(lines[1].contains("..."), lines[1]);
        assertTrue(lines[1].startsWith("    \t/* \\x07 \uD835\uDC65"), lines[1]);
        // a tab stays a tab, under it as above it
        assertTrue(lines[2].startsWith("    \t") && lines[2].indexOf('\t', 5) > 0, lines[2]);
        // a long one is clipped around the caret, in code points, never inside a character
        lines = caretAtDesne("    dense(1) /* " + "\uD83D\uDE00".repeat(1000) + " */ desne(2) // "
                + "\uD835\uDC65".repeat(1000), 1021);
        assertTrue(lines[1].codePointCount(0, lines[1].length()) <= 4 + Limits.LINE_ECHO + 6,
                lines[1]);
        assertTrue(lines[1].matches("    \\.\\.\\.(\uD83D\uDE00)+ \\*/ desne\\(2\\) // "
                + "(\uD835\uDC65)+\\.\\.\\."), lines[1]);
    }

    /** The echo and caret lines of the diagnostic at 'desne' on line 3, column {@code column}. */
    private static String[] caretAtDesne(String line, int column) {
        Compilation c = Models.compile("model M {\n    input [2]\n" + line + "\n    loss mse\n}\n");
        Diagnostic d = c.diagnostics().stream().filter(x -> x.message().contains("'desne'"))
                .findFirst().orElseThrow(() -> new AssertionError(c.renderDiagnostics()));
        String[] lines = DiagnosticPrinter.render(d).split("\n");
        assertTrue(lines[0].startsWith("inline.nn:3:" + column + ": "), lines[0]);
        int caret = lines[2].indexOf('^');
        assertEquals("^~~~~", lines[2].substring(caret), lines[2]);
        // the echoed line as a terminal shows it, a column a code point
        int[] shown = lines[1].codePoints().toArray();
        assertEquals("desne", new String(shown, caret, 5), String.join("\n", lines));
        return lines;
    }
}
