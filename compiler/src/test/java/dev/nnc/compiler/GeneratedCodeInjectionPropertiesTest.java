package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.data.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Nothing from outside changes the meaning of generated code: hostile text — unicode escapes that
 * javac decodes before it parses ({@code \}{@code u002a\}{@code u002f} is the end of a comment),
 * comment ends, line terminators, {@code @}, {@code $}, quotes, backslashes, control characters —
 * put into every place text enters the generated class (the source file's name and path, a data
 * file's name, a label column's name, the weights file's name of a standalone class) leaves the
 * class with exactly the class files of the same model under a plain name, and compiles cleanly.
 */
class GeneratedCodeInjectionPropertiesTest {
    private static final String[] PIECES = {"\\u002a\\u002f", "\\u002f\\u002a", "*/", "/*",
        "\\u000a", "\\u000d", "\\uuu002a/", "\\\\u002a", "\n", "\r", "\u2028", "\u0085", "@",
        "{@code ", "}", "$", "$L", "$$", "\"", "'", "\\", "\\\"", "class System{static{"
        + "java.lang.System.exit(7);}}", "}}class X{", "<b>", "&#64;", "&", "\u001b[31m", "\u0007",
        "é", "日本", "\uD83D\uDE00", "a", " ", ";", "//", "\t"};

    private static final String MODEL = """
            model Hostile {
                input [2]
                dense(3) -> relu
                dense(1)
                loss mse
                optimizer sgd(lr: 0.1)
                train { epochs: 1, batch: 2 }
                data { train: csv("%s", label: "%s") }
            }
            """;

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(8)
                .map(l -> String.join("", l));
    }

    private static Set<String> plain;

    @Property(tries = 8)
    void hostileTextLeavesTheGeneratedClassesAsTheyAre(@ForAll("hostile") String text)
            throws IOException {
        Path dir = Files.createTempDirectory("nnc-inject");
        try {
            if (plain == null) {
                plain = classFiles(dir, "plain", "plain.csv", "y", "w.safetensors");
            }
            Set<String> hostile = classFiles(dir, text, fileName(text) + ".csv", column(text),
                    text);
            assertEquals(plain, hostile, "class files for text " + text);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Example
    void theFileNameOfTheReportCompilesToOneClass() throws IOException {
        hostileTextLeavesTheGeneratedClassesAsTheyAre("a\\u002a\\u002f class System{static{"
                + "java.lang.System.exit(7);}}\\u002f\\u002a");
    }

    /**
     * U+2028 and U+2029 are no line terminators to javac, but the code writer breaks lines at
     * them: a data file named with one must not leave an unclosed string literal.
     */
    @Example
    void unicodeLineSeparatorsStayInsideTheirStringLiterals() throws IOException {
        hostileTextLeavesTheGeneratedClassesAsTheyAre("\u2028");
        hostileTextLeavesTheGeneratedClassesAsTheyAre("a\u2029b\u2028");
    }

    @Example
    void javadocShowsDollarAndAtAsTheyAre() {
        Path path = Path.of("src/test/resources/inline.nn").toAbsolutePath();
        Compilation c = NnCompiler.compile(new SourceFile(path, "a$b@c.nn",
                String.format(MODEL, "x", "y").replace("data {", "// data {")),
                NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        String src = c.javaSource();
        String doc = src.replace("\n * ", " ");   // the class comment, its lines joined
        assertTrue(doc.contains("from a$b&#64;c.nn."), src.substring(0, 400));
        assertFalse(src.contains("$$"), "no doubled $");
        assertFalse(src.contains("{@code a"), "character references are not shown raw");
    }

    /**
     * A model may be named like any class the generated code uses (its imports and the
     * {@code java.lang} classes it names unqualified): the class still compiles, alone.
     */
    @Example
    void aModelNamedLikeAClassTheGeneratedCodeUsesCompiles() {
        String rich = """
                model M {
                    input [3]
                    dense(4) -> relu
                    dropout(0.1)
                    dense(2) -> softmax
                    loss cross_entropy
                    optimizer adam(lr: 0.01)
                    train { epochs: 2, batch: 2, stop: loss < 0.1 or val_loss < 0.1,
                        validation: 0.5, schedule: step(every: 1, gamma: 0.5), l2: 0.01 }
                }
                """;
        Compilation c = Models.compile(rich);
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        Set<String> names = new java.util.TreeSet<>(Set.of("System", "Math", "Float"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("import [\\w.]+\\.(\\w+);")
                .matcher(c.javaSource() + StandaloneGenerator.generate(c.model(),
                        new float[c.model().paramCount()], Preprocessing.identity(3, 2), "w"));
        while (m.find()) {
            names.add(m.group(1));
        }
        for (String n : names) {
            Compilation k = Models.compile(rich.replace("model M", "model " + n));
            assertFalse(k.hasErrors(), k.renderDiagnostics());
            InMemoryJavac.Result r = InMemoryJavac.compile(k.className(), k.javaSource());
            assertTrue(r.warnings().isEmpty(), n + ": " + r.warnings());
            assertEquals(Set.of(k.className()), r.classes().keySet(), n);
        }
    }

    /** Names of the class files of the model and its standalone form, package included. */
    private static Set<String> classFiles(Path root, String display, String dataName,
            String label, String weightsName) throws IOException {
        Path dir = Files.createDirectories(root.resolve("d" + Math.abs(display.hashCode())));
        Files.writeString(dir.resolve(dataName), "a,b," + label + "\n1,2,3\n4,5,6\n");
        String source = String.format(MODEL, nnString(dataName), nnString(label));
        Path file = dir.resolve("model.nn");
        Compilation c = NnCompiler.compile(new SourceFile(file, display, source),
                NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        InMemoryJavac.Result r = InMemoryJavac.compile(c.className(), c.javaSource());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        float[] params = new float[c.model().paramCount()];
        String standalone = StandaloneGenerator.generate(c.model(), params,
                Preprocessing.identity(2, 1), weightsName).toString();
        InMemoryJavac.Result s = InMemoryJavac.compile(c.className(), standalone);
        assertTrue(s.warnings().isEmpty(), s.warnings().toString());
        Set<String> names = new java.util.TreeSet<>(r.classes().keySet());
        s.classes().keySet().forEach(k -> names.add("standalone:" + k));
        return names;
    }

    /** {@code text} as a file name: no '/', NUL or CR, not empty. */
    private static String fileName(String text) {
        return "f" + text.replace("/", "_").replace("\0", "_").replace("\r", "_");
    }

    /** {@code text} as a CSV header cell: no separators, quotes or line ends. */
    private static String column(String text) {
        return "c" + text.replaceAll("[,\"\r\n\u2028\u0085]", "_").strip();
    }

    /** {@code text} as the inside of a .nn string literal. */
    private static String nnString(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                .replace("\r", "_");
    }
}
