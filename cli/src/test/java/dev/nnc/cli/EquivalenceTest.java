package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.ops.Registry;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Predictor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized equivalence suite: {@value #COUNT} models drawn by {@link RandomModels} (every
 * layer kind, activation, loss and preprocessing option), each trained one epoch by
 * {@code nnc train} on its drawn data (random weights, fitted normalizers), then run on raw input
 * rows in every form: {@code nnc predict} (the generated class under the runtime) is the
 * reference; the class of {@code nnc compile --standalone} and {@code nnc serve} (its server, in
 * process on 127.0.0.1) must give its outputs bit for bit, and ONNX Runtime on the graph of
 * {@code nnc export --onnx} within {@value DeployOnnxTest#TOLERANCE} relative to the network's
 * output scale (as in {@link DeployOnnxTest}: ONNX Runtime computes sums, exponentials and
 * normalization in its own order).
 *
 * <p>The generated classes of a batch of models are compiled in one javac task, and so are their
 * standalone classes. A failing case prints its {@code .nn} text and seed; replay it alone with
 * {@code -Dnnc.equivalence.seeds=SEED} (a comma-separated list). The first failures are shrunk
 * (hidden layers and preprocessing lines removed while the same form still fails) and written to
 * {@code target/equivalence-fixtures/NAME/}; copied into {@value #FIXTURES}, such a case runs
 * every time besides the drawn ones. {@code -Dnnc.equivalence.from=S} and
 * {@code -Dnnc.equivalence.count=N} draw other seeds.
 */
class EquivalenceTest {
    static final int COUNT = 208;
    private static final int BATCH = 52;
    /** At most this many failures are shrunk in one run (each takes a few runs of the forms). */
    private static final int SHRINK = 3;
    /** Where kept cases live, each in its own directory (see {@link RandomModels#fixture}). */
    static final String FIXTURES = "src/test/resources/equivalence/fixtures";

    private int batches;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void everyFormAnswersLikeNncPredictOnRandomModels() throws Exception {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        List<RandomModels.Case> cases = new ArrayList<>(fixtures());
        List<Long> seeds = seeds();
        for (long seed : seeds) {
            cases.add(RandomModels.draw(seed, dir));
        }
        if (System.getProperty("nnc.equivalence.seeds") == null
                && System.getProperty("nnc.equivalence.count") == null) {
            assertCoversEverything(cases);
        }
        Map<RandomModels.Case, String> failures = new LinkedHashMap<>();
        for (int from = 0; from < cases.size(); from += BATCH) {
            failures.putAll(runBatch(cases.subList(from, Math.min(cases.size(),
                    from + BATCH))));
        }
        StringBuilder report = new StringBuilder();
        int shrunk = 0;
        for (Map.Entry<RandomModels.Case, String> f : failures.entrySet()) {
            report.append(describe(f.getKey(), f.getValue())).append('\n');
            if (f.getKey().seed() >= 0 && shrunk++ < SHRINK) {
                report.append(shrink(f.getKey(), f.getValue())).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            System.err.println(report);
        }
        List<String> names = failures.keySet().stream().map(RandomModels.Case::toString)
                .toList();
        System.out.printf("equivalence: %d models, %d failed%s; %.1f s, %.1f s of CPU%n",
                cases.size(), failures.size(), failures.isEmpty() ? "" : " " + names,
                (System.nanoTime() - start) / 1e9, (cpuNanos() - cpu) / 1e9);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size()
                + " models differ between forms: " + names + "\n" + report);
        assertTrue(cases.size() >= Math.min(200, seeds.size()), cases.size() + " models checked");
    }

    /**
     * The drawn models use every layer kind, activation, loss and optimizer of the registry and
     * every preprocessing option, so that a new one cannot go unchecked; a differenced series
     * ({@code difference:}) comes from the kept cases {@code DiffDense} and {@code DiffGru}.
     */
    private static void assertCoversEverything(List<RandomModels.Case> cases) {
        Registry r = Registry.standard();
        List<String> wanted = new ArrayList<>();
        for (String name : r.layerNames()) {
            wanted.add(name + "(");
        }
        for (String name : r.lossNames()) {
            wanted.add(name.equals("binary_cross_entropy") ? "loss b" : "loss " + name);
        }
        for (String name : r.optimizerNames()) {
            wanted.add("optimizer " + name + "(");
        }
        wanted.addAll(List.of("scale: ", "normalize: none", "normalize: minmax",
                "normalize: zscore", "normalize_labels: minmax", "normalize_labels: zscore",
                "windows(", "csv(", "sequence: true", "bidirectional: true", "mask: true",
                "padding: same", "stride: 2", "bias: false", "vote: plurality", "vote: mean",
                "vary: seeds", "vary: bootstrap", "difference: "));
        StringBuilder all = new StringBuilder();
        for (RandomModels.Case c : cases) {
            // a layer without arguments ("relu") counts as "relu("
            all.append(c.text().replaceAll("(?m)^(\\s*[a-z_]+)\\s*$", "$1(")
                    .replaceAll("-> ([a-z_]+)\\s*$", "-> $1(")
                    .replaceAll("(?m)-> ([a-z_]+)$", "$1(")).append('\n');
        }
        List<String> missing = wanted.stream().filter(w -> all.indexOf(w) < 0).toList();
        assertTrue(missing.isEmpty(), "the drawn models never use " + missing);
    }

    /** The CPU time of this JVM so far (all threads: javac, ONNX Runtime's, the server's). */
    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getProcessCpuTime() : 0;
    }

    /** The drawn seeds: {@value #COUNT} from 1, or those asked for. */
    private static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        String only = System.getProperty("nnc.equivalence.seeds");
        if (only != null && !only.isBlank()) {
            for (String s : only.split(",")) {
                seeds.add(Long.parseLong(s.strip()));
            }
            return seeds;
        }
        long first = Long.getLong("nnc.equivalence.from", 1);
        int count = Integer.getInteger("nnc.equivalence.count", COUNT);
        for (long s = first; s < first + count; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    /** The kept cases of {@value #FIXTURES}, unless only some seeds are asked for. */
    private List<RandomModels.Case> fixtures() throws IOException {
        Path root = Path.of(FIXTURES);
        String only = System.getProperty("nnc.equivalence.seeds");
        if (!Files.isDirectory(root) || only != null && !only.isBlank()) {
            return List.of();
        }
        List<RandomModels.Case> cases = new ArrayList<>();
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                cases.add(RandomModels.fixture(d, dir));
            }
        }
        return cases;
    }

    /**
     * Shrinks a failing case: removes one hidden layer or preprocessing line at a time while the
     * same form still fails (and the model still compiles), then keeps the smallest as a fixture
     * directory under {@code target/equivalence-fixtures}.
     */
    private String shrink(RandomModels.Case failing, String message) throws Exception {
        RandomModels.Case c = failing;
        List<String> lines = new ArrayList<>(List.of(c.text().split("\n")));
        String kind = kind(message);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < lines.size() && !progress; i++) {
                if (!removable(lines, i)) {
                    continue;
                }
                List<String> fewer = new ArrayList<>(lines);
                fewer.remove(i);
                RandomModels.Case candidate = c.withText(String.join("\n", fewer) + "\n");
                String failure = runBatch(List.of(candidate)).get(candidate);
                if (failure != null && kind(failure).equals(kind)) {
                    lines = fewer;
                    c = candidate;
                    progress = true;
                }
            }
        }
        c = c.withText(String.join("\n", lines) + "\n");
        Path kept = RandomModels.keep(c, Path.of("target", "equivalence-fixtures"));
        return "shrunk to (kept in " + kept.toAbsolutePath() + "; copy that directory into "
                + FIXTURES + " to run it every time):\n" + c.text();
    }

    /** The form and place a failure names: {@code standalone row}, {@code ONNX Runtime row}. */
    private static String kind(String message) {
        int row = message.indexOf(" row ");
        return row >= 0 ? message.substring(0, row) : message.split(":", 2)[0];
    }

    /** A hidden layer (not the input, not the output layer) or a preprocessing line. */
    private static boolean removable(List<String> lines, int i) {
        String l = lines.get(i).strip();
        if (l.startsWith("scale:") || l.startsWith("normalize:")
                || l.startsWith("normalize_labels:")) {
            return true;
        }
        int loss = -1;
        for (int k = 0; k < lines.size(); k++) {
            if (lines.get(k).strip().startsWith("loss ")) {
                loss = k;
                break;
            }
        }
        return i < loss - 1 && LAYER.matcher(l).lookingAt();
    }

    /** A line starting with a layer kind of the registry. */
    private static final java.util.regex.Pattern LAYER = java.util.regex.Pattern.compile(
            "(" + String.join("|", Registry.standard().layerNames()) + ")\\b");

    /**
     * One batch: compiles, trains and checks its models; answers the failures, each with what
     * went wrong.
     */
    private Map<RandomModels.Case, String> runBatch(List<RandomModels.Case> batch)
            throws Exception {
        Map<RandomModels.Case, String> failures = new LinkedHashMap<>();
        List<RandomModels.Case> cases = new ArrayList<>();
        List<Compilation> compilations = new ArrayList<>();
        for (RandomModels.Case c : batch) {
            Compilation comp = NnCompiler.compile(c.file(), NnCompiler.Options.defaults());
            if (comp.hasErrors()) {
                failures.put(c, "the model does not compile:\n" + comp.renderDiagnostics());
                continue;
            }
            cases.add(c);
            compilations.add(comp);
        }
        if (compilations.isEmpty()) {
            return failures;
        }
        // the generated classes of the whole batch in one javac task
        Map<String, String> sources = new LinkedHashMap<>();
        for (Compilation comp : compilations) {
            sources.put(comp.className(), comp.javaSource());
        }
        Map<String, byte[]> classes;
        try {
            classes = InMemoryJavac.compileAll(sources).classes();
        } catch (InMemoryJavac.JavacException e) {
            for (RandomModels.Case c : cases) {
                failures.put(c, "javac of the generated classes of its batch: " + e.getMessage());
            }
            return failures;
        }
        for (Compilation comp : compilations) {
            TrainableModel m = InMemoryJavac.instantiate(comp.className(), classes);
            Models.preload(comp.javaSource(), m.getClass());
        }
        List<Prepared> prepared = new ArrayList<>();
        Map<String, String> standalone = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            RandomModels.Case c = cases.get(i);
            try {
                Prepared p = prepare(c, compilations.get(i));
                prepared.add(p);
                standalone.put(p.standaloneClass(), Files.readString(p.standaloneSource()));
            } catch (AssertionError | RuntimeException e) {
                failures.put(c, String.valueOf(e.getMessage()));
            }
        }
        Path out = Files.createDirectories(dir.resolve("standalone-" + batches++));
        String javac = javacAlone(standalone, out);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (Prepared p : prepared) {
                if (!javac.isEmpty()) {
                    failures.put(p.c(), "javac of the standalone classes:\n" + javac);
                    continue;
                }
                try {
                    check(p, loader);
                } catch (AssertionError | RuntimeException | OrtException e) {
                    failures.put(p.c(), String.valueOf(e.getMessage()));
                }
            }
        }
        return failures;
    }

    /** A trained case with the outputs of {@code nnc predict} and its other forms' files. */
    record Prepared(RandomModels.Case c, Compilation compilation, Path weights,
            float[][] expected, double[] classes, String standaloneClass, Path standaloneSource,
            Path onnx) {
    }

    private Prepared prepare(RandomModels.Case c, Compilation comp) {
        String file = c.file().toString();
        Path w = dir.resolve(c.name() + ".safetensors");
        DeployExamples.Run r = DeployExamples.nnc("train", file, "--quiet", "--out",
                w.toString());
        assertTrue(r.code() == 0, "nnc train: " + r.all());
        r = DeployExamples.nnc("predict", file, "-w", w.toString(), "-i", c.input().toString());
        assertTrue(r.code() == 0, "nnc predict: " + r.all());
        float[][] expected = predictions(r.out(), c);
        double[] classes = c.loss().equals("mse") ? null : classes(r.out());
        Path src = dir.resolve(c.name() + "-standalone");
        r = DeployExamples.nnc("compile", file, "--weights", w.toString(), "--standalone", "-d",
                src.toString());
        assertTrue(r.code() == 0, "nnc compile --standalone: " + r.all());
        Path onnx = dir.resolve(c.name() + ".onnx");
        Path java = Path.of(r.out().strip());
        r = DeployExamples.nnc("export", file, "--weights", w.toString(), "--onnx",
                onnx.toString());
        assertTrue(r.code() == 0, "nnc export: " + r.all());
        return new Prepared(c, comp, w, expected, classes, comp.className(), java, onnx);
    }

    /**
     * The outputs in {@code nnc predict}'s CSV: every column for regression, the probabilities
     * after the class column for a classifier (for one sigmoid output, p_1 alone: the output).
     */
    private static float[][] predictions(String csv, RandomModels.Case c) {
        String[] lines = csv.strip().split("\n");
        float[][] out = new float[lines.length - 1][];
        for (int i = 1; i < lines.length; i++) {
            String[] v = lines[i].split(",");
            int first = c.loss().equals("mse") ? 0 : c.loss().equals("cross_entropy") ? 1 : 2;
            out[i - 1] = new float[v.length - first];
            for (int j = first; j < v.length; j++) {
                out[i - 1][j - first] = Float.parseFloat(v[j]);
            }
        }
        assertTrue(out.length == c.rows().length, "nnc predict gave " + out.length + " rows:\n"
                + csv);
        return out;
    }

    /** The class labels of a classifier in {@code nnc predict}'s CSV, its first column. */
    private static double[] classes(String csv) {
        String[] lines = csv.strip().split("\n");
        double[] out = new double[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            out[i - 1] = Double.parseDouble(lines[i].split(",")[0]);
        }
        return out;
    }

    @SuppressWarnings("unchecked") // the JSON answer of serve
    private void check(Prepared p, ClassLoader loader) throws Exception {
        RandomModels.Case c = p.c();
        float[][] x = new float[c.rows().length][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new float[c.rows()[i].length];
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) c.rows()[i][j];
            }
        }
        // the standalone class, row by row and in a batch
        Class<?> cls = loader.loadClass(p.standaloneClass());
        Object model = cls.getDeclaredConstructor().newInstance();
        Method one = cls.getMethod("predict", float[].class);
        Method batch = cls.getMethod("predict", float[][].class);
        float[][] all = (float[][]) batch.invoke(model, (Object) x);
        for (int i = 0; i < x.length; i++) {
            same("standalone", i, p.expected()[i], (float[]) one.invoke(model, (Object) x[i]));
            same("standalone (batch)", i, p.expected()[i], all[i]);
            if (p.classes() != null) {
                Method label = cls.getMethod("predictClass", float[].class);
                double got = (double) label.invoke(model, (Object) x[i]);
                assertTrue(got == p.classes()[i], "standalone class of row " + i + ": " + got
                        + ", nnc predict " + p.classes()[i]);
            }
        }
        // nnc serve's server, in process on a free loopback port
        TrainedModelArgs args = new TrainedModelArgs();
        args.file = c.file();
        args.weights = p.weights();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8);
        TrainedModelArgs.Loaded loaded = args.load(new Io(quiet, quiet, Map.of(), false));
        ModelServer server = ServeCommand.server(loaded, "127.0.0.1", 0, 1);
        server.start();
        try {
            StringBuilder body = new StringBuilder("{\"rows\": [");
            for (int i = 0; i < x.length; i++) {
                body.append(i == 0 ? "[" : ", [");
                for (int j = 0; j < x[i].length; j++) {
                    body.append(j == 0 ? "" : ", ").append(Float.toString(x[i][j]));
                }
                body.append(']');
            }
            body.append("]}");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/predict"))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() == 200, "serve answered " + r.statusCode() + ": "
                    + r.body());
            Map<String, Object> answer = (Map<String, Object>) Json.parse(r.body());
            List<List<Number>> outs = (List<List<Number>>) answer.get("outputs");
            if (p.classes() != null) {
                List<Number> classes = (List<Number>) answer.get("classes");
                for (int i = 0; i < x.length; i++) {
                    double got = classes.get(i).doubleValue();
                    assertTrue(got == p.classes()[i], "serve class of row " + i + ": " + got
                            + ", nnc predict " + p.classes()[i]);
                }
            }
            for (int i = 0; i < x.length; i++) {
                float[] got = new float[outs.get(i).size()];
                for (int j = 0; j < got.length; j++) {
                    got[j] = outs.get(i).get(j).floatValue();
                }
                same("serve", i, p.expected()[i], got);
            }
        } finally {
            server.stop(0);
        }
        // ONNX Runtime on the exported graph; the network computes in its normalized units, so
        // float rounding there is relative to 1 times the labels' de-normalization scale
        var labels = loaded.preprocessing().labels();
        // a raw input row (for a differenced series a raw window, longer than the network's)
        float[][] onnx = DeployOnnxTest.run(p.onnx(), c.rows(),
                new Predictor(loaded.model(), loaded.preprocessing()).inputShape());
        double unit = 1;
        if (!labels.isIdentity()) {
            for (double s : labels.scale()) {
                unit = Math.max(unit, Math.abs(s));
            }
        }
        for (int i = 0; i < x.length; i++) {
            float[] want = p.expected()[i];
            assertTrue(onnx[i].length == want.length, "ONNX Runtime gave " + onnx[i].length
                    + " outputs for row " + i + ", nnc predict " + want.length);
            for (int j = 0; j < want.length; j++) {
                double ref = Math.max(unit, Math.abs(want[j]));
                double diff = Math.abs(onnx[i][j] - want[j]);
                assertTrue(diff <= DeployOnnxTest.TOLERANCE * ref, "ONNX Runtime row " + i
                        + " output " + j + ": " + onnx[i][j] + ", nnc predict " + want[j]
                        + " (difference " + diff / ref + " of " + ref + ")");
            }
        }
    }

    private static void same(String form, int row, float[] want, float[] got) {
        boolean ok = want.length == got.length;
        for (int j = 0; ok && j < want.length; j++) {
            ok = Float.floatToIntBits(want[j]) == Float.floatToIntBits(got[j]);
        }
        assertTrue(ok, form + " row " + row + ": " + java.util.Arrays.toString(got)
                + ", nnc predict " + java.util.Arrays.toString(want));
    }

    private static String describe(RandomModels.Case c, String message) {
        return "--- equivalence case " + c + (c.seed() < 0 ? "" : " (replay: "
                + "-Dnnc.equivalence.seeds=" + c.seed() + ")") + ": " + message + "\n" + c.text();
    }

    /**
     * Compiles standalone classes with javac alone (an empty class path, all warnings as
     * errors); answers javac's messages, empty when it succeeded.
     */
    private static String javacAlone(Map<String, String> sources, Path out) throws IOException {
        if (sources.isEmpty()) {
            return "";
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Path empty = Files.createDirectories(out.resolveSibling(out.getFileName() + "-empty"));
        List<JavaFileObject> files = new ArrayList<>();
        sources.forEach((name, text) -> files.add(new SimpleJavaFileObject(URI.create("mem:///"
                + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT,
                null)) {
            List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
                    "-proc:none", "-classpath", empty.toString(), "-d", out.toString());
            boolean ok = javac.getTask(null, fm, diags, options, null, files).call();
            String m = messages(diags);
            return ok && m.isEmpty() ? "" : m.isEmpty() ? "javac failed" : m;
        }
    }

    private static String messages(DiagnosticCollector<JavaFileObject> diags) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            sb.append(d.getKind()).append(' ').append(d.getSource() == null ? ""
                    : d.getSource().getName()).append(" line ").append(d.getLineNumber())
                    .append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
        }
        return sb.toString();
    }
}
