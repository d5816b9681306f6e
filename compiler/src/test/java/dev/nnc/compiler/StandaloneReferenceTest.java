package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.kernels.Activations;
import dev.nnc.runtime.kernels.CellReference;
import dev.nnc.runtime.kernels.ConvReference;
import dev.nnc.runtime.kernels.DenseReference;
import dev.nnc.runtime.kernels.PoolReference;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.Ensemble;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone class carries the runtime's reference code as written: for each reference class
 * ({@code Activations}, {@code DenseReference}, {@code ConvReference},
 * {@code PoolReference}, {@code CellReference}, the vote of {@code Ensemble}, and
 * {@code Difference} of a differenced series), every line of code between
 * the {@code standalone} markers of its source (the copy the runtime jar carries) appears in the
 * standalone source in the same order, {@code public} made {@code private}, and nothing else
 * defines a method of the same name there. So the standalone class and the runtime's references
 * cannot drift apart: a change to either side that is not the other's fails here.
 */
class StandaloneReferenceTest {
    private static final Map<Class<?>, List<String>> METHODS = Map.of(
            Activations.class, List.of("exp", "sigmoid", "tanh", "sigmoidTanh", "relu"),
            DenseReference.class, List.of("rows", "bias", "dense", "denseRounded"),
            CellReference.class, List.of("rnnRow", "lstmRow", "lstmKinds", "rowsAndSums",
                    "recurrent", "lstmStep", "gruRow", "gruStep"),
            ConvReference.class, List.of("conv", "cols", "sums", "convStrided"),
            PoolReference.class, List.of("maxPool", "avgPool"),
            Ensemble.class, List.of("voteMean", "voteOnes", "votePlurality"),
            Difference.class, List.of("difference", "window", "invert", "invertRow"));

    @TempDir
    Path dir;

    @Test
    void theStandaloneClassCarriesTheReferenceSourceVerbatim() throws IOException {
        // dense 70 → 60 has 4200 weights: the kernels' form (fused); the others the loops' form
        String dense = standalone("model S {\n input [70]\n dense(60) -> sigmoid\n"
                + " dense(4) -> tanh\n dense(2)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n", 70, 2);
        assertCarries(dense, Activations.class);
        assertCarries(dense, DenseReference.class);
        assertTrue(dense.contains(" dense(in, 0, n, 70, "), "fused form called\n" + dense);
        assertTrue(dense.contains(" denseRounded(in, 0, n, 60, "), "rounded form called");
        String conv = standalone("model C {\n input [2, 6, 6]\n conv2d(3, 3, padding: 1)\n"
                + " conv2d(2, 2, stride: 2)\n flatten\n dense(2)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n", 72, 2);
        assertCarries(conv, DenseReference.class);
        assertCarries(conv, ConvReference.class);
        assertTrue(conv.contains(" conv(in, n, 2, 6, 6, "), "conv called at stride 1\n" + conv);
        assertTrue(conv.contains(" convStrided("), "convStrided called at stride 2");
        String pool = standalone("model P {\n input [2, 8, 8]\n maxpool(2)\n"
                + " avgpool(2, stride: 1)\n flatten\n dense(2)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n", 128, 2);
        assertCarries(pool, PoolReference.class);
        String relu = standalone("model A {\n input [6]\n dense(3) -> relu\n dense(2)\n"
                + " loss mse\n optimizer sgd(lr: 0.1)\n}\n", 6, 2);
        assertCarries(relu, Activations.class);
        assertTrue(relu.contains(" relu(in, out, n * 3);"), "relu called\n" + relu);
        assertTrue(pool.contains(" maxPool(in, n, 2, 8, 8, 2, 2, 2, 2, 4, 4, "), "maxPool called\n"
                + pool);
        assertTrue(pool.contains(" avgPool("), "avgPool called");
        String cells = standalone("model R {\n input [5, 3]\n lstm(4, sequence: true)\n"
                + " gru(3, sequence: true)\n rnn(2)\n dense(2)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n}\n", 15, 2);
        for (Class<?> c : List.of(Activations.class, DenseReference.class,
                CellReference.class)) {
            assertCarries(cells, c);
        }
        for (String f : List.of("rowsAndSums(", "lstmStep(", "lstmKinds(", "gruStep(", "rnnRow(")) {
            assertTrue(cells.split(Pattern.quote(f), -1).length - 1 >= 2, "calls of " + f);
        }
        // the products emitted in passes over W's and U's rows and their sums in one array
        // (literal offsets and bounds): the lstm's U [4, 16] one pass of four k, summed at 64
        assertTrue(cells.replaceAll("\\s+", " ")
                .contains("pa[pj + 64] = Math.fma(pv3, pa[pj + 48], "),
                "an lstm's pass\n" + cells);
        // a differenced series: raw windows of 3 + 2 steps of a, b; the forecast of b adds back
        // b at the window's step 3 (its value 2 steps before the target, 1 after the window)
        Files.writeString(dir.resolve("s.csv"), "a,b\n1,2\n3,5\n4,7\n6,8\n7,9\n9,11\n");
        Compilation d = NnCompiler.compile(new SourceFile(dir.resolve("d.nn"), "d.nn",
                "model D {\n input [3, 2]\n gru(4)\n dense(1)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n data {\n train: windows(\"s.csv\", window: 3,"
                + " features: [\"a\", \"b\"], target: \"b\")\n difference: 2\n }\n}\n"),
                NnCompiler.Options.defaults());
        assertTrue(!d.hasErrors(), d.renderDiagnostics());
        String diff = StandaloneGenerator.generate(d.model(), new float[d.model().paramCount()],
                Preprocessing.identity(6, 1), "w").toString();
        assertCarries(diff, Difference.class);
        assertTrue(diff.contains("INPUT_SIZE = 10;"), "a raw window of 5 steps\n" + diff);
        assertTrue(diff.contains("BASE_AT = {7};"), "b at step 3");
        assertTrue(diff.contains(" window(x, r * INPUT_SIZE, 3, 2, 2, dx, "), "window called");
        assertTrue(diff.contains(" invertRow(x, r * INPUT_SIZE, BASE_AT, out, "), "invertRow");
        assertTrue(!dense.contains("invertRow"), "not differenced: no differencing");
    }

    @Test
    void anEnsemblesStandaloneClassCarriesTheRuntimesVote() throws IOException {
        for (String[] v : new String[][] {{"plurality", "softmax", "cross_entropy", "3",
            "votePlurality(votes, n * OUTPUT_SIZE / 3, 3, out, classVotes)"},
            {"plurality", "sigmoid", "binary_cross_entropy", "1",
                "voteOnes(votes, n * OUTPUT_SIZE / 1, 1, out)"},
            {"mean", "softmax", "cross_entropy", "3",
                "voteMean(votes, n * OUTPUT_SIZE / 3, 3, out)"}}) {
            String e = standalone("model E {\n input [4]\n dense(70) -> relu\n dense(" + v[3]
                    + ") -> " + v[1] + "\n loss " + v[2] + "\n optimizer sgd(lr: 0.1)\n"
                    + " ensemble { members: 3, vary: seeds, vote: " + v[0] + " }\n}\n", 4,
                    Integer.parseInt(v[3]));
            assertCarries(e, Ensemble.class);
            assertCarries(e, DenseReference.class);
            assertTrue(e.contains(v[4]), "vote called: " + v[4] + "\n" + e);
            // each member's W rows are made once, when the class loads, not in a call
            assertTrue(e.contains("DENSE1_W[member] = rows(p, "), "rows made per member\n" + e);
            assertTrue(e.contains("(in, 0, n, 4, DENSE1_W[member], DENSE1_B[member], "),
                    "the rows of the member used");
        }
    }

    private static String standalone(String source, int in, int out) {
        Compilation c = Models.compile(source);
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        assertEquals(in, c.model().input().size());
        int members = c.model().spec().ensemble() == null ? 1
                : c.model().spec().ensemble().members();
        return StandaloneGenerator.generate(c.model(),
                new float[c.model().paramCount() * members], Preprocessing.identity(in, out),
                "w").toString();
    }

    /**
     * The reference lines of {@code owner} appear in order (whitespace aside: JavaPoet wraps a
     * long parameter list); its methods are defined once.
     */
    private static void assertCarries(String standalone, Class<?> owner) throws IOException {
        String generated = standalone.replaceAll("\\s+", " ");
        int at = 0;
        List<String> reference = referenceCode(owner);
        assertTrue(reference.size() > 10, owner.getSimpleName() + " lines: " + reference.size());
        for (String line : reference) {
            String want = line.replaceFirst("^public ", "private ").replaceAll("\\s+", " ");
            int found = generated.indexOf(want, at);
            assertTrue(found >= 0, "not in the standalone class (in order, from "
                    + owner.getSimpleName() + "): " + want);
            at = found + want.length();
        }
        String source = String.join("\n", reference);
        for (String f : METHODS.get(owner)) {
            Pattern definition = Pattern.compile("\\bstatic [\\w\\[\\]]+ " + f + "\\(");
            int defined = count(definition, source);
            assertTrue(defined >= 1, "the reference defines " + f);
            assertEquals(defined, count(definition, standalone), "definitions of " + f);
        }
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    /**
     * The code lines (no comments, no blank lines) between the markers of {@code owner}'s source
     * in the runtime jar, stripped; a signature wrapped over lines is joined as JavaPoet writes it.
     */
    private static List<String> referenceCode(Class<?> owner) throws IOException {
        String text;
        // not at its package path, where javac would find it and compile it beside a model class
        assertNull(owner.getResource(owner.getSimpleName() + ".java"), "source at package path");
        try (InputStream in = owner.getResourceAsStream("/META-INF/nnc/reference/"
                + owner.getName().replace('.', '/') + ".java")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        boolean inside = false;
        boolean comment = false;
        String pending = null;
        for (String l : text.lines().toList()) {
            String s = l.strip();
            if (s.equals("// standalone: begin")) {
                inside = true;
            } else if (s.equals("// standalone: end")) {
                inside = false;
            } else if (inside) {
                if (s.startsWith("/*")) {
                    comment = !s.endsWith("*/");
                } else if (comment) {
                    comment = !s.endsWith("*/");
                } else if (s.startsWith("public static") && s.contains("(") && !s.endsWith("{")
                        && !s.endsWith(";")) {
                    pending = s;
                } else if (pending != null) {
                    pending = pending + " " + s;
                    if (s.endsWith("{")) {
                        out.add(pending);
                        pending = null;
                    }
                } else if (!s.isEmpty() && !s.startsWith("//")) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
