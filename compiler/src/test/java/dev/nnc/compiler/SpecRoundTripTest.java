package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link ModelSpec} a generated class returns is the one the checker built, component by
 * component, for every example model and for a model that sets every train and data option:
 * the spec written into generated code cannot get out of step with the runtime's records.
 */
class SpecRoundTripTest {
    private static final Path EXAMPLES = Path.of("../examples");

    private static final String EVERY_OPTION = """
            model EveryOption {
                input [2, 3]
                lstm(2)
                dense(1)
                loss mse
                optimizer adam(lr: 0.01, beta1: 0.8, eps: 1e-7)
                seed 7
                data {
                    train: windows("series.csv", window: 2, horizon: 1, features: ["a", "b", "c"],
                            target: "y", time: "t", from: 1.5, to: 9)
                    scale: 255
                    normalize: zscore
                    normalize_labels: minmax
                }
                train {
                    epochs: 30, batch: 4, shuffle: false, validation: 0.25, log_every: 5,
                    stop: loss < 0.01 and (r2 >= 0.9 or val_loss < 0.2),
                    schedule: multistep(at: [5, 10], gamma: 0.5),
                    clip_norm: 1.5, clip_value: 2,
                    early_stopping: monitor(val_loss, patience: 3, restore_best: true, min_delta: 0.001)
                }
            }
            """;

    @Test
    void everyExamplesSpecComesBackFromItsGeneratedClass() throws IOException {
        List<Path> files;
        try (var walk = Files.walk(EXAMPLES)) {
            files = walk.filter(f -> f.toString().endsWith(".nn"))
                    .filter(f -> !f.toString().contains("target"))
                    .filter(f -> !f.toString().contains("common")).sorted().toList();
        }
        assertTrue(files.size() >= 30, files.size() + " examples");
        Map<String, Compilation> byClass = new LinkedHashMap<>();
        List<Compilation> all = new ArrayList<>();
        for (Path f : files) {
            Compilation c = NnCompiler.compile(new SourceFile(f.toAbsolutePath(),
                    f.getFileName().toString(), Files.readString(f)),
                    NnCompiler.Options.defaults());
            assertFalse(c.hasErrors(), f + ": " + c.renderDiagnostics());
            all.add(c);
        }
        // one javac task per round of distinct class names
        while (!all.isEmpty()) {
            byClass.clear();
            List<Compilation> later = new ArrayList<>();
            for (Compilation c : all) {
                if (byClass.putIfAbsent(c.className(), c) != null) {
                    later.add(c);
                }
            }
            Map<String, String> java = new LinkedHashMap<>();
            byClass.forEach((name, c) -> java.put(name, c.javaSource()));
            Map<String, byte[]> classes = InMemoryJavac.compileAll(java).classes();
            for (Compilation c : byClass.values()) {
                TrainableModel m = InMemoryJavac.instantiate(c.className(), classes);
                assertSame(c.model().spec(), m.spec(), c.className());
            }
            all = later;
        }
    }

    @TempDir
    Path dir;

    private Compilation everyOption() throws IOException {
        List<String> rows = new ArrayList<>(List.of("t,a,b,c,y"));
        for (int i = 0; i < 12; i++) {
            rows.add(i + "," + i % 3 + "," + i % 5 + "," + i % 7 + "," + i % 2);
        }
        Files.write(dir.resolve("series.csv"), rows);
        Path file = dir.resolve("every.nn");
        return NnCompiler.compile(new SourceFile(file, "every.nn", EVERY_OPTION),
                NnCompiler.Options.defaults());
    }

    @Test
    void aSpecWithEveryOptionComesBack() throws IOException {
        Compilation c = everyOption();
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        ModelSpec want = c.model().spec();
        assertTrue(want.train().schedule() != null && want.train().stop() != null
                && want.train().earlyStopping() != null
                && want.data().train() instanceof DataSource.Windows, want.toString());
        assertSame(want, InMemoryJavac.load(c).spec(), "EveryOption");
    }

    /** The classifier options: a stratified split and class weights, explicit or balanced. */
    @Test
    void classWeightsComeBack() {
        for (String weights : List.of("[1, 2.5, 4]", "balanced")) {
            Compilation c = Models.compile("model Weighted {\n input [2]\n dense(3) -> softmax\n"
                    + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n train { validation: 0.2,"
                    + " split: stratified, class_weights: " + weights + " }\n}\n");
            assertFalse(c.hasErrors(), c.renderDiagnostics());
            ModelSpec want = c.model().spec();
            ModelSpec.ClassWeighting cw = want.train().classWeights();
            assertTrue(want.train().stratify() && cw != null
                    && cw.isBalanced() == weights.equals("balanced"), want.toString());
            assertSame(want, InMemoryJavac.load(c).spec(), weights);
        }
        ModelSpec a = Models.compile("model A {\n input [2]\n dense(3) -> softmax\n"
                + " loss cross_entropy\n optimizer sgd(lr: 0.1)\n train { class_weights: "
                + "[1, 2.5, 4] }\n}\n").model().spec();
        ModelSpec b = a.withTrain(a.train().withClassWeights(
                new ModelSpec.ClassWeighting(List.of(1.0, 2.5, 5.0))));
        assertFalse(same(a, b));
    }

    @Test
    void theComparisonSeesADifferentComponent() throws IOException {
        ModelSpec a = everyOption().model().spec();
        ModelSpec b = new ModelSpec(a.loss(), a.optimizer(), a.seed(), new ModelSpec.TrainSpec(
                a.train().epochs(), a.train().batch(), a.train().shuffle(), a.train().stop(),
                a.train().validation(), a.train().logEvery(), a.train().schedule(),
                a.train().clipNorm(), a.train().clipValue() + 1, a.train().earlyStopping()),
                a.data());
        assertFalse(same(a, b));
        assertTrue(same(a, a));
    }

    private static void assertSame(ModelSpec want, ModelSpec got, String what) {
        assertTrue(same(want, got), what + ": the generated class's spec " + got
                + " differs from the checker's " + want);
        assertEquals(want.getClass(), got.getClass());
    }

    /** Equal component by component, arrays by their elements. */
    private static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof int[] x) {
            return Arrays.equals(x, (int[]) b);
        }
        if (a instanceof double[] x) {
            return Arrays.equals(x, (double[]) b);
        }
        if (a instanceof List<?> x) {
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Record) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                try {
                    if (!same(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
                        return false;
                    }
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
