package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.compiler.diag.Diagnostic;
import dev.nnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutated {@code .nn} files, seeded from every example: truncated, with flipped bytes, edited
 * tokens, edge numbers, deep nesting, exponentially expanding groups and hostile names. Each
 * input is answered within {@link #BOUND_SECONDS} seconds, without an exception, and every
 * diagnostic points inside its file. About 20,000 inputs in all ({@link #TRIES} per class).
 */
class FuzzTest {
    /** Inputs per mutation class; seven classes. */
    static final int TRIES = 2_900;
    static final long BOUND_SECONDS = 2;

    private static final List<Seed> SEEDS = seeds();
    /** Compiles the inputs; replaced after a timeout, as a hung compilation cannot be stopped. */
    private static ExecutorService runner = newRunner();

    private static final Pattern TOKEN = Pattern.compile(
            "\\s+|//[^\\n]*|\"(?:[^\"\\\\\\n]|\\\\.)*\"|[0-9][0-9_.eE+-]*"
            + "|[A-Za-z_][A-Za-z_0-9]*|->|<=|>=|.");
    private static final Pattern NUMBER = Pattern.compile("\\b[0-9][0-9_]*(?:\\.[0-9]*)?"
            + "(?:[eE][+-]?[0-9]+)?");
    private static final Pattern NAME = Pattern.compile("\\b[A-Za-z_][A-Za-z_0-9]*\\b"
            + "|\"[^\"\\n]*\"");
    private static final String[] VOCABULARY = {"model", "M", "{", "}", "(", ")", "[", "]", ",",
        ":", "->", "=", "-", "+", "*", "/", "<", "<=", "and", "or", "repeat", "group", "g",
        "let", "import", "\"x.nn\"", "package", "a.b", "dense", "relu", "loss", "mse",
        "optimizer", "sgd", "train", "data", "csv", "stop", "input", "1", "0", "-1", "1e999",
        "\"", ";", "\n", "/*", "*/", "true", "seed", "init", "conv2d", "lstm", "dropout"};
    private static final String[] EDGE_NUMBERS = {"0", "1", "-1", "0.5", "1e308", "1e39",
        "1e-320", "3.4028236e38", "65536", "65537", "2147483647", "2147483648", "4294967296",
        "9223372036854775808", "1e999", "000000000000000000001", "1_000_000_000", "0.0", "1e-45"};
    private static final String[] HOSTILE = {"\\u002a\\u002f", "*/", "/*", "\u001b[31m",
        "\u0007", "\u2028", "\u202e", "@", "$", "$L", "\\", "'", "é", "日本", "\uD83D\uDE00",
        "java", "System", "class", "void", "_", "__", "Kernels", "TrainableModel",
        "a".repeat(5000)};

    record Seed(Path path, String text) {
    }

    private static List<Seed> seeds() {
        Path root = Path.of("../examples").toAbsolutePath().normalize();
        try (Stream<Path> s = Files.walk(root)) {
            List<Seed> out = new ArrayList<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".nn")).sorted().toList()) {
                out.add(new Seed(p, Files.readString(p)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ExecutorService newRunner() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterContainer
    static void stop() {
        runner.shutdownNow();
    }

    private static Seed seed(Random r) {
        return SEEDS.get(r.nextInt(SEEDS.size()));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void truncated(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        answered(s, s.text().substring(0, r.nextInt(s.text().length() + 1)));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void flippedCharacters(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        StringBuilder b = new StringBuilder(s.text());
        for (int k = 1 + r.nextInt(8); k > 0 && b.length() > 0; k--) {
            int at = r.nextInt(b.length());
            char c = switch (r.nextInt(4)) {
                case 0 -> (char) r.nextInt(32);
                case 1 -> (char) (32 + r.nextInt(95));
                case 2 -> (char) (128 + r.nextInt(0x2100));
                default -> (char) (b.charAt(at) ^ (1 << r.nextInt(7)));
            };
            b.setCharAt(at, c);
        }
        answered(s, b.toString());
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void editedTokens(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(s.text());
        while (m.find()) {
            tokens.add(m.group());
        }
        for (int k = 1 + r.nextInt(6); k > 0 && !tokens.isEmpty(); k--) {
            int at = r.nextInt(tokens.size());
            switch (r.nextInt(4)) {
                case 0 -> tokens.remove(at);
                case 1 -> tokens.add(at, tokens.get(r.nextInt(tokens.size())));
                case 2 -> tokens.set(at, VOCABULARY[r.nextInt(VOCABULARY.length)]);
                default -> tokens.add(at, " " + VOCABULARY[r.nextInt(VOCABULARY.length)] + " ");
            }
        }
        answered(s, String.join("", tokens));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void edgeNumbers(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        answered(s, replaceSome(NUMBER, s.text(), r, () -> EDGE_NUMBERS[r.nextInt(
                EDGE_NUMBERS.length)]));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void deepNesting(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        int depth = 1 + r.nextInt(r.nextBoolean() ? 80 : 5000);
        String[][] kinds = {{"(", ")"}, {"[", "]"}, {"-", ""}, {"repeat 1 { ", " }"},
            {"{", "}"}, {"1 + ", ""}, {"loss < 1 or ", ""}};
        String[] k = kinds[r.nextInt(kinds.length)];
        String deep = k[0].repeat(depth) + (k[0].startsWith("repeat") ? "dense(1)" : "1")
                + k[1].repeat(r.nextInt(4) == 0 ? r.nextInt(depth + 1) : depth);
        int at = r.nextInt(s.text().length() + 1);
        answered(s, s.text().substring(0, at) + deep + s.text().substring(at));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void exponentialGroups(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        int levels = 1 + r.nextInt(40);
        int fan = 1 + r.nextInt(4);
        StringBuilder g = new StringBuilder("group q0() { " + (r.nextBoolean() ? "dense(1)" : "")
                + " }\n");
        for (int i = 1; i <= levels; i++) {
            g.append("group q").append(i).append("() { ");
            for (int j = 0; j < fan; j++) {
                g.append(r.nextInt(5) == 0 ? "repeat 1000 { q" + (i - 1) + " } " : "q" + (i - 1)
                        + " ");
            }
            g.append("}\n");
        }
        String text = s.text();
        int model = text.indexOf("input");
        int line = model < 0 ? -1 : text.indexOf('\n', model);
        String body = line < 0 ? text + "\nq" + levels + "\n" : text.substring(0, line + 1)
                + "    q" + levels + "\n" + text.substring(line + 1);
        answered(s, g + body);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void hostileNames(@ForAll long n) {
        Random r = new Random(n);
        Seed s = seed(r);
        answered(s, replaceSome(NAME, s.text(), r, () -> {
            String h = HOSTILE[r.nextInt(HOSTILE.length)];
            return r.nextBoolean() ? "\"" + h + "\"" : h;
        }));
    }

    private static String replaceSome(Pattern p, String text, Random r,
            java.util.function.Supplier<String> with) {
        Matcher m = p.matcher(text);
        StringBuilder b = new StringBuilder();
        double rate = 0.02 + r.nextDouble() * 0.2;
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(r.nextDouble() < rate ? with.get()
                    : m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * Compiles {@code text} as if it were the file of {@code seed} (so its imports and data
     * resolve) and checks the answer.
     */
    private static void answered(Seed seed, String text) {
        SourceFile file = new SourceFile(seed.path(), seed.path().getFileName().toString(), text);
        Future<Compilation> f = runner.submit(() -> NnCompiler.compile(file,
                NnCompiler.Options.defaults().withRequireModel(false)));
        Compilation c;
        try {
            c = f.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            runner.shutdownNow();
            runner = newRunner();
            throw new AssertionError("no answer within " + BOUND_SECONDS + " s for:\n"
                    + excerpt(text));
        } catch (ExecutionException e) {
            throw new AssertionError("the compiler threw " + e.getCause() + " for:\n"
                    + excerpt(text), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        for (Diagnostic d : c.diagnostics()) {
            var s = d.span();
            int lines = s.file().lineCount();
            if (s.line() < 1 || s.line() > lines
                    || s.column() > s.file().line(s.line()).length() + 1) {
                fail(d.code().id() + " at " + s.line() + ":" + s.column() + " outside the file:\n"
                        + excerpt(text));
            }
        }
        assertTrue(c.hasErrors() || c.javaFile() != null || c.model() == null, "no class");
    }

    private static String excerpt(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... ("
                + text.length() + " characters)";
    }
}
