package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nnc compile --standalone}: the class of every example compiles with javac alone (an
 * empty class path, {@code -Xlint:all -Werror}), loads in a class loader that sees only the JDK,
 * and gives {@code nnc predict}'s outputs bit for bit, row by row and in a batch, and its class
 * labels.
 */
class DeployStandaloneTest {
    @TempDir
    static Path dir;

    static Stream<DeployExamples.Trained> examples() {
        return DeployExamples.trained().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void standaloneClassEqualsPredictBitForBit(DeployExamples.Trained e) throws Exception {
        Path src = dir.resolve(e.name().replace('/', '_') + "-src");
        DeployExamples.Run r = DeployExamples.nnc("compile", e.file().toString(), "--weights",
                e.weights().toString(), "--standalone", "-d", src.toString());
        assertEquals(0, r.code(), r.all());
        Path java = Path.of(r.out().strip());
        assertTrue(Files.isRegularFile(java), r.all());
        Path classes = javacAlone(java, dir.resolve(e.name().replace('/', '_') + "-classes"));

        String className = e.compilation().className();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> cls = loader.loadClass(className);
            Object model = cls.getDeclaredConstructor().newInstance();
            Method one = cls.getMethod("predict", float[].class);
            Method batch = cls.getMethod("predict", float[][].class);

            double[][] rows = e.inputs();
            double[][] expected = e.predictor().predict(rows);
            float[][] x = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                x[i] = new float[rows[i].length];
                for (int j = 0; j < rows[i].length; j++) {
                    x[i][j] = (float) rows[i][j];
                }
            }
            float[][] all = (float[][]) batch.invoke(model, (Object) x);
            for (int i = 0; i < rows.length; i++) {
                float[] got = (float[]) one.invoke(model, (Object) x[i]);
                for (int j = 0; j < got.length; j++) {
                    float want = (float) expected[i][j];
                    if (Float.floatToRawIntBits(got[j]) != Float.floatToRawIntBits(want)
                            || Float.floatToRawIntBits(all[i][j])
                                    != Float.floatToRawIntBits(want)) {
                        fail(e.name() + ": input " + i + " output " + j + ": standalone "
                                + got[j] + " (batch " + all[i][j] + "), nnc predict " + want);
                    }
                }
            }
            ModelSpec.Loss loss = e.predictor().model().spec().loss();
            int k = e.predictor().model().outputSize();
            boolean classifier = loss == ModelSpec.Loss.CROSS_ENTROPY && k > 1
                    || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && k == 1;
            if (classifier) {
                Method label = cls.getMethod("predictClass", float[].class);
                List<Prediction> preds = e.predictor().classify(rows);
                for (int i = 0; i < rows.length; i++) {
                    assertEquals(preds.get(i).label(), (double) label.invoke(model, (Object) x[i]),
                            e.name() + ": class of input " + i);
                }
            }
        }
    }

    /** Compiles {@code java} with the JDK's javac and an empty class path; fails on warnings. */
    static Path javacAlone(Path java, Path out) throws IOException {
        Files.createDirectories(out);
        Path empty = Files.createDirectories(out.resolveSibling(out.getFileName() + "-empty"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT,
                null)) {
            List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
                    "-proc:none", "-classpath", empty.toString(), "-d", out.toString());
            boolean ok = javac.getTask(null, fm, diags, options, null,
                    fm.getJavaFileObjects(java)).call();
            StringBuilder sb = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                sb.append(d.getKind()).append(" line ").append(d.getLineNumber()).append(": ")
                        .append(d.getMessage(Locale.ROOT)).append('\n');
            }
            assertTrue(ok && sb.isEmpty(), "javac " + java + ":\n" + sb);
        }
        return out;
    }

    /**
     * The standalone class of {@code nn} with {@code weights}: written by {@code nnc compile
     * --standalone} under {@code dir}, compiled alone ({@link #javacAlone}) and loaded as
     * {@code name} in a class loader of its own, which closing the result closes.
     */
    static Loaded standalone(Path nn, Path weights, Path dir, String name)
            throws IOException, ClassNotFoundException {
        DeployExamples.Run r = DeployExamples.nnc("compile", nn.toString(), "--weights",
                weights.toString(), "--standalone", "-d", dir.resolve("standalone-src")
                        .toString());
        assertEquals(0, r.code(), r.all());
        Path classes = javacAlone(Path.of(r.out().strip()), dir.resolve("standalone-classes"));
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        return new Loaded(loader, loader.loadClass(name));
    }

    /** A standalone class and the loader that holds it. */
    record Loaded(URLClassLoader loader, Class<?> type) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            loader.close();
        }
    }

    @Test
    void standaloneWithoutWeightsIsAClearError(@TempDir Path tmp) {
        DeployExamples.Run r = DeployExamples.nnc("compile", DeployExamples.files().get(0)
                .toString(), "--standalone", "-w", tmp.resolve("none.safetensors").toString(),
                "-d", tmp.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("no such weights file"), r.all());
    }

    @Test
    void weightsWithoutStandaloneIsAUsageError(@TempDir Path tmp) {
        DeployExamples.Run r = DeployExamples.nnc("compile", DeployExamples.files().get(0)
                .toString(), "-w", "x.safetensors", "-d", tmp.toString());
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--weights is only used with --standalone"), r.all());
    }
}
