package dev.nnc.compiler.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.grammar.NNLexer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/**
 * Formatting is a fixed point and changes no meaning: the formatted text compiles to the same
 * generated Java source (or, for a file with errors, to the same diagnostics) as the text it came
 * from — on every example of the repository, on the examples with their layout scrambled, and on
 * models generated from the grammar's constructs.
 */
class FormatterPropertiesTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    private static final List<Path> EXAMPLE_FILES = exampleFiles();

    private static List<Path> exampleFiles() {
        try (Stream<Path> s = Files.walk(EXAMPLES)) {
            return s.filter(p -> p.toString().endsWith(".nn")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a text means to the compiler: its generated class, or else its diagnostics. */
    private static String meaning(Path path, String text) {
        Compilation c = NnCompiler.compile(new SourceFile(path, path.getFileName().toString(),
                text), NnCompiler.Options.defaults().withRequireModel(false));
        String diags = c.diagnostics().stream()
                .map(d -> d.code().id() + " " + d.severity() + " "
                        + d.message().replaceAll("\\S+\\.nn:\\d+:\\d+", "<place>"))
                .collect(Collectors.joining("\n"));
        return c.javaFile() == null ? diags : diags + "\n" + c.javaSource();
    }

    private static void assertFormatKeepsMeaning(Path path, String text) {
        Formatter.Result r = Formatter.format(new SourceFile(path, "x.nn", text));
        assertTrue(r.ok(), () -> r.diagnostics() + " in\n" + text);
        String once = r.text();
        assertEquals(once, Formatter.format(once), () -> "not idempotent on\n" + text);
        assertEquals(meaning(path, text), meaning(path, once),
                () -> "meaning changed:\n" + text + "\n--- formatted:\n" + once);
        assertEquals(tokensAndComments(text), tokensAndComments(once),
                () -> "a comment was lost or moved:\n" + text + "\n--- formatted:\n" + once);
    }

    /**
     * The code tokens and comments in their order, without the separators the layout may drop
     * ({@code ;} and {@code ,}) and with the whitespace inside comments collapsed.
     */
    private static List<String> tokensAndComments(String text) {
        return new NNLexer(CharStreams.fromString(text)).getAllTokens().stream()
                .filter(t -> t.getType() != NNLexer.WS && t.getType() != NNLexer.SEMI
                        && t.getType() != NNLexer.COMMA)
                .map(t -> t.getText().strip().replaceAll("\\s+", " "))
                .toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyExampleIsFormattedAndKeepsItsGeneratedClass() {
        assertTrue(EXAMPLE_FILES.size() > 30, "examples not found under " + EXAMPLES);
        int models = 0;
        for (Path p : EXAMPLE_FILES) {
            String text = read(p);
            assertFormatKeepsMeaning(p, text);
            if (meaning(p, text).contains("class ")) {
                models++;
            }
        }
        // The comparison is between generated classes, not between two identical error lists.
        assertTrue(models >= 30, "only " + models + " examples compile to a class");
    }

    @Property(tries = 150)
    void scrambledExamplesFormatBackToTheSameMeaning(@ForAll("examples") Path example,
            @ForAll long seed) {
        String scrambled = scramble(read(example), new Random(seed));
        assertEquals(meaning(example, read(example)), meaning(example, scrambled),
                "the scrambling itself changed the meaning");
        assertFormatKeepsMeaning(example, scrambled);
    }

    @Property(tries = 150)
    void generatedModelsFormatToTheSameMeaning(@ForAll("models") String model,
            @ForAll long seed) {
        Path path = EXAMPLES.resolve("generated.nn");
        // Most of them must compile, so that generated classes are compared, not only errors.
        String meaning = meaning(path, model);
        Statistics.collect(meaning.contains("public final class") ? "class"
                : meaning.substring(0, Math.min(6, meaning.length())));
        Statistics.coverage(c -> c.check("class").percentage(p -> p >= 90));
        assertFormatKeepsMeaning(path, model);
        assertFormatKeepsMeaning(path, scramble(model, new Random(seed)));
    }

    @Property(tries = 300)
    void anyTextIsFormattedOrRejectedWithoutThrowing(@ForAll("soup") String text) {
        Formatter.Result r = Formatter.format(new SourceFile(Path.of("soup.nn"), "soup.nn", text));
        if (r.ok()) {
            assertFormatKeepsMeaning(EXAMPLES.resolve("soup.nn"), text);
        } else {
            assertFalse(r.diagnostics().isEmpty());
            for (Diagnostic d : r.diagnostics()) {
                assertTrue(d.span().line() >= 1 && d.span().line() <= d.span().file().lineCount(),
                        d::toString);
            }
        }
    }

    @Provide
    Arbitrary<Path> examples() {
        return Arbitraries.of(EXAMPLE_FILES);
    }

    // ---- scrambling the layout -------------------------------------------------------------

    private static final Set<Integer> TIGHT = Set.of(NNLexer.LPAREN, NNLexer.RPAREN,
            NNLexer.LBRACK, NNLexer.RBRACK, NNLexer.COMMA, NNLexer.COLON, NNLexer.SEMI,
            NNLexer.LBRACE, NNLexer.RBRACE);
    private static final String[] SEPARATORS = {" ", " ", "  ", "\t", "\n", "\n\n\n", "\n    ",
        " /* c */ ", " /* two\n   lines */ ", " // c\n", "\n// own line\n", "\r\n", ""};

    /**
     * The same tokens (comments included) with random whitespace and extra comments between
     * them: spaces, tabs, line breaks, runs of blank lines, block and line comments.
     */
    static String scramble(String text, Random random) {
        NNLexer lexer = new NNLexer(CharStreams.fromString(text));
        List<? extends Token> all = lexer.getAllTokens();
        List<Token> tokens = all.stream().filter(t -> t.getType() != NNLexer.WS)
                .map(Token.class::cast).toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            out.append(t.getText());
            if (i + 1 == tokens.size()) {
                out.append(random.nextBoolean() ? "\n" : "");
                break;
            }
            Token next = tokens.get(i + 1);
            String sep = SEPARATORS[random.nextInt(SEPARATORS.length)];
            boolean tight = (TIGHT.contains(t.getType()) || TIGHT.contains(next.getType()))
                    && !isComment(t) && !isComment(next);
            if (sep.isEmpty() && !tight) {
                sep = " ";
            }
            if (t.getType() == NNLexer.LINE_COMMENT && !sep.startsWith("\n")
                    && !sep.startsWith("\r")) {
                sep = "\n" + sep;
            }
            out.append(sep);
        }
        return out.toString();
    }

    private static boolean isComment(Token t) {
        return t.getType() == NNLexer.LINE_COMMENT || t.getType() == NNLexer.BLOCK_COMMENT;
    }

    // ---- models from the grammar's constructs ---------------------------------------------

    @Provide
    Arbitrary<String> models() {
        Arbitrary<String> number = Arbitraries.of("0", "1", "2", "3", "4", "16", "0.1", "0.5",
                "1e-3", ".25", "1_000");
        Arbitrary<String> expr = Arbitraries.lazyOf(
                () -> number,
                () -> number.map(n -> "-" + n),
                () -> Combinators.combine(number, Arbitraries.of("+", "-", "*", "/"), number)
                        .as((a, op, b) -> a + " " + op + " " + b),
                () -> number.map(n -> "(" + n + " + 1) * 2"),
                () -> Arbitraries.of("k", "true", "false", "\"s.csv\"", "[1, 2, 3]"));
        Arbitrary<String> size = Arbitraries.of("1", "2", "3", "4", "8", "k", "k + 1", "2 * k");
        Arbitrary<String> act = Arbitraries.of("relu", "sigmoid", "tanh", "identity");
        Arbitrary<String> call = Arbitraries.oneOf(
                Combinators.combine(size, act).as((n, a) -> "dense(" + n + ") -> " + a),
                size.map(n -> "dense(" + n + ", init: uniform(range: 0.05))"),
                size.map(n -> "dense(units: " + n + ")"),
                Arbitraries.of("dropout(0.1)", "batchnorm", "relu", "flatten", "g(3)",
                        "g(2, act: tanh)", "g(k)"),
                size.map(n -> "repeat 2 { dense(" + n + ") -> relu }"));
        Arbitrary<String> layers = call.list().ofMinSize(1).ofMaxSize(6)
                .map(l -> String.join("\n", l));
        Arbitrary<String> trainEntries = Arbitraries.of("epochs: 3", "batch: 2",
                "shuffle: true", "stop: loss < 0.1 and val_loss <= 0.2",
                "log_every: 1", "early_stopping: monitor(val_loss, patience: 5)")
                .list().uniqueElements().ofMaxSize(5)
                .map(l -> String.join(", ", l) + (l.isEmpty() ? "" : ", ") + "validation: 0.1");
        Arbitrary<String> settings = Combinators.combine(
                Arbitraries.of("optimizer sgd(lr: 0.1)", "optimizer adam(lr: 1e-3)", ""),
                Arbitraries.of("init xavier", "seed 7", "let local = 2", ""))
                .as((opt, other) -> "loss mse\n" + opt + "\n" + other);
        return Combinators.combine(expr, Arbitraries.of("", "package a.b\n"), size, layers,
                settings, trainEntries, Arbitraries.of("2", "3", "8"))
                .as((e, pkg, gsize, body, set, train, input) -> pkg
                        + "let k = 2\nlet c = " + e + "\n"
                        + "group g(n, act = relu) {\n dense(n) -> act\n dense(" + gsize + ")\n}\n"
                        + "model Generated {\n input [" + input + "]\n" + body + "\n" + set
                        + "\n train { " + train + " }\n}\n");
    }

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> piece = Arbitraries.of("model", "M", "{", "}", "input", "[", "]", "2",
                ",", "dense", "(", ")", "->", "sigmoid", "loss", "mse", ":", "0.1", "train",
                "epochs", "<", "let", "h", "=", "group", "g", "repeat", "-", "*", "\"x.csv\"",
                ";", "\n", "//c\n", "/* b */", "and", "true", "package", "a.b", "init");
        return piece.list().ofMaxSize(40).map(l -> String.join(" ", l));
    }
}
