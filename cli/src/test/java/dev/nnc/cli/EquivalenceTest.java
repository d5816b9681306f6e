package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.Json;
import dev.nnc.runtime.TrainableModel;
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
 * {@code -Dnnc.equivalence.seeds=SEED} (a comma-separated list). Seeds listed in
 * {@code src/test/resources/equivalence/fixtures.txt} — failures found before, kept as
 * regressions — run every time besides the drawn ones. {@code -Dnnc.equivalence.from=S} and
 * {@code -Dnnc.equivalence.count=N} draw other seeds.
 */
class EquivalenceTest {
    static final int COUNT = 208;
    private static final int BATCH = 52;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void everyFormAnswersLikeNncPredictOnRandomModels() throws Exception {
        List<Long> seeds = seeds();
        Map<Long, String> failures = new LinkedHashMap<>();
        int checked = 0;
        for (int from = 0; from < seeds.size(); from += BATCH) {
            List<Long> batch = seeds.subList(from, Math.min(seeds.size(), from + BATCH));
            checked += runBatch(batch, failures);
        }
        StringBuilder report = new StringBuilder();
        failures.forEach((seed, text) -> report.append(text).append('\n'));
        if (!failures.isEmpty()) {
            System.err.println(report);
        }
        System.out.printf("equivalence: %d models, %d failed%s%n", checked, failures.size(),
                failures.isEmpty() ? "" : " (seeds " + failures.keySet() + ")");
        assertTrue(failures.isEmpty(), failures.size() + " of " + checked
                + " models differ between forms, seeds " + failures.keySet() + "\n" + report);
        assertTrue(checked >= Math.min(200, seeds.size()), checked + " models checked");
    }

    /** The seeds to run: the fixtures, then the drawn ones (or only those asked for). */
    private static List<Long> seeds() throws IOException {
        List<Long> seeds = new ArrayList<>();
        String only = System.getProperty("nnc.equivalence.seeds");
        if (only != null && !only.isBlank()) {
            for (String s : only.split(",")) {
                seeds.add(Long.parseLong(s.strip()));
            }
            return seeds;
        }
        try (var in = EquivalenceTest.class.getResourceAsStream("/equivalence/fixtures.txt")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .split("\n")) {
                    String s = line.replaceAll("#.*", "").strip();
                    if (!s.isEmpty()) {
                        seeds.add(Long.parseLong(s));
                    }
                }
            }
        }
        long first = Long.getLong("nnc.equivalence.from", 1);
        int count = Integer.getInteger("nnc.equivalence.count", COUNT);
        for (long s = first; s < first + count; s++) {
            if (!seeds.contains(s)) {
                seeds.add(s);
            }
        }
        return seeds;
    }

    /** One batch: draws, compiles, trains and checks its models; returns how many ran. */
    private int runBatch(List<Long> seeds, Map<Long, String> failures) throws Exception {
        List<RandomModels.Case> cases = new ArrayList<>();
        List<Compilation> compilations = new ArrayList<>();
        for (long seed : seeds) {
            RandomModels.Case c = RandomModels.draw(seed, dir);
            Compilation comp = NnCompiler.compile(c.file(), NnCompiler.Options.defaults());
            if (comp.hasErrors()) {
                failures.put(seed, describe(c, "the drawn model does not compile:\n"
                        + comp.renderDiagnostics()));
                continue;
            }
            cases.add(c);
            compilations.add(comp);
        }
        // the generated classes of the whole batch in one javac task
        Map<String, String> sources = new LinkedHashMap<>();
        for (Compilation comp : compilations) {
            sources.put(comp.className(), comp.javaSource());
        }
        Map<String, byte[]> classes = InMemoryJavac.compileAll(sources).classes();
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
                failures.put(c.seed(), describe(c, e.getMessage()));
            }
        }
        Path out = Files.createDirectories(dir.resolve("standalone-" + seeds.get(0)));
        javacAlone(standalone, out);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (Prepared p : prepared) {
                try {
                    check(p, loader);
                } catch (AssertionError | RuntimeException | OrtException e) {
                    failures.put(p.c().seed(), describe(p.c(), String.valueOf(e.getMessage())));
                }
            }
        }
        return seeds.size();
    }

    /** A trained case with the outputs of {@code nnc predict} and its other forms' files. */
    record Prepared(RandomModels.Case c, Compilation compilation, Path weights,
            float[][] expected, String standaloneClass, Path standaloneSource, Path onnx) {
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
        Path src = dir.resolve(c.name() + "-standalone");
        r = DeployExamples.nnc("compile", file, "--weights", w.toString(), "--standalone", "-d",
                src.toString());
        assertTrue(r.code() == 0, "nnc compile --standalone: " + r.all());
        Path onnx = dir.resolve(c.name() + ".onnx");
        Path java = Path.of(r.out().strip());
        r = DeployExamples.nnc("export", file, "--weights", w.toString(), "--onnx",
                onnx.toString());
        assertTrue(r.code() == 0, "nnc export: " + r.all());
        return new Prepared(c, comp, w, expected, comp.className(), java, onnx);
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
            @SuppressWarnings("unchecked")
            List<List<Number>> outs = (List<List<Number>>) ((Map<String, Object>) Json.parse(
                    r.body())).get("outputs");
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
        float[][] onnx = DeployOnnxTest.run(p.onnx(), c.rows(), loaded.model().inputShape());
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
        return "--- equivalence case " + c + " (replay: -Dnnc.equivalence.seeds=" + c.seed()
                + "): " + message + "\n" + c.text();
    }

    /** Compiles standalone classes with javac alone (empty class path), no warnings. */
    private static void javacAlone(Map<String, String> sources, Path out) throws IOException {
        if (sources.isEmpty()) {
            return;
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
            assertTrue(ok && diags.getDiagnostics().isEmpty(), "javac of the standalone "
                    + "classes:\n" + messages(diags));
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
