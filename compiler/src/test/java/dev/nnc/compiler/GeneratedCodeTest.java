package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.gen.StandaloneGenerator;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The generated class compiles without javac warnings, runs, and cannot be injected into. */
class GeneratedCodeTest {

    private static final String EVERYTHING = """
            package com.example.models
            let hidden = 2 * 4
            group block(units, act = relu) { dense(units) -> act }
            model Everything {
                input x[3]
                repeat 2 { block(hidden) }
                block(6, act: leaky_relu(alpha: 0.1))
                dense(5, bias: false, init: normal(std: 0.1)) -> tanh
                sigmoid
                identity
                dense(4, init: uniform(range: 0.2)) -> softmax
                loss cross_entropy
                optimizer sgd(lr: 0.05)
                init he
                seed 42
                train { epochs: 3, batch: full, shuffle: false, log_every: 1 }
            }
            """;

    @Test
    void everyConstructCompilesWithoutWarnings() {
        Compilation c = Models.compile(EVERYTHING);
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        assertEquals("com.example.models.Everything", c.className());
        InMemoryJavac.Result r = InMemoryJavac.compile(c.className(), c.javaSource());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        assertEquals(12, c.model().layers().size(), "layers after expansion");
    }

    @Test
    void generatedModelRunsAndReportsItsSpec() {
        TrainableModel m = InMemoryJavac.load(Models.compile(EVERYTHING));
        assertEquals("Everything", m.name());
        assertEquals(3, m.inputSize());
        assertEquals(4, m.outputSize());
        ModelSpec s = m.spec();
        assertEquals(ModelSpec.Loss.CROSS_ENTROPY, s.loss());
        assertEquals(0.05, s.optimizer().arg("lr", 0));
        assertEquals(42, s.seed());
        assertEquals(0, s.train().batch());
        assertFalse(s.train().shuffle());
        m.initParams(new Rng(1));
        float[] out = new float[8];
        m.predict(new float[] {1, 2, 3, -1, 0, 1}, 2, out);
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += out[i];
        }
        assertEquals(1.0, sum, 1e-5, "softmax rows sum to 1");
    }

    @Test
    void parameterLayoutIsContiguous() {
        TrainableModel m = InMemoryJavac.load(Models.compile(EVERYTHING));
        int offset = 0;
        for (var t : m.paramTensors()) {
            assertEquals(offset, t.offset(), t.name());
            offset += t.size();
        }
        assertEquals(m.params().length, offset);
        assertEquals("dense1.W", m.paramTensors().get(0).name());
    }

    @Test
    void hostileNamesAndStringsCannotInjectCode(@TempDir Path dir) throws IOException {
        String evil = "x\"); System.exit(1); * \\u0022 $S.csv";
        Files.writeString(dir.resolve(evil), "a,b\n1,0\n");
        String src = "model String {\n input [1]\n dense(1) -> sigmoid\n loss bce\n"
                + " optimizer sgd(lr: 0.1)\n data { train: csv(\""
                + evil.replace("\\", "\\\\").replace("\"", "\\\"") + "\", label: \"b\") }\n}\n";
        Path file = dir.resolve("we*/ird.nn".replace("/", "_"));
        Compilation c = NnCompiler.compile(new SourceFile(file, "*/ @evil $T.nn", src),
                NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        assertEquals("StringModel", c.model().className());
        InMemoryJavac.Result r = InMemoryJavac.compile(c.className(), c.javaSource());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        TrainableModel m = InMemoryJavac.load(c);
        assertEquals(evil, m.spec().data().train().path());
        assertEquals("String", m.name());
    }

    @Test
    void reservedWordsBecomeLegalClassNames() {
        for (String name : new String[] {"class", "int", "Object", "record", "_"}) {
            Compilation c = Models.compile("model " + name + " {\n input [1]\n dense(1)\n"
                    + " loss mse\n optimizer sgd(lr: 0.1)\n}\n");
            assertFalse(c.hasErrors(), c.renderDiagnostics());
            TrainableModel m = InMemoryJavac.load(c);
            assertEquals(name, m.name());
        }
    }

    @Test
    void aBatchTooLargeForALayerBufferIsRefusedWithTheLayerAndTheLargestBatch() {
        // 21,475 samples of dense(100_000) need 2,147,500,000 floats: more than an array holds
        TrainableModel m = Models.load("model Wide {\n input [1]\n dense(100_000) -> relu\n"
                + " dense(1)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        int n = 21_475;
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> m.predict(new float[n], n, new float[n]));
        assertTrue(e.getMessage().contains("21475 samples") && e.getMessage().contains("dense1")
                && e.getMessage().contains("at most 21474 samples"), e.getMessage());
    }

    @Test
    void theStandaloneClassRefusesABatchTooLargeForALayerBufferAsTheModelClassDoes()
            throws ReflectiveOperationException {
        Compilation c = Models.compile("model Wide {\n input [1]\n dense(100_000) -> relu\n"
                + " dense(1)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        String source = StandaloneGenerator.generate(c.model(), new float[c.model().paramCount()],
                Preprocessing.identity(1, 1), "w").toString();
        InMemoryJavac.Result r = InMemoryJavac.compile(c.className(), source);
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        Class<?> cls = InMemoryJavac.define(c.className(), r.classes());
        Object standalone = cls.getDeclaredConstructor().newInstance();
        Method batch = cls.getMethod("predict", float[].class, int.class, float[].class);
        Method rows = cls.getMethod("predict", float[][].class);
        int n = 21_475;
        for (Executable call : new Executable[] {
            () -> batch.invoke(standalone, new float[n], n, new float[n]),
            () -> rows.invoke(standalone, (Object) new float[n][1])}) {
            Throwable e = assertThrows(InvocationTargetException.class, call).getCause();
            assertTrue(e instanceof IllegalArgumentException && e.getMessage().contains(
                    "21475 samples") && e.getMessage().contains("dense1")
                    && e.getMessage().contains("at most 21474 samples"), e.toString());
        }
    }

    @Test
    void packageWithKeywordIsADiagnostic() {
        Compilation c = Models.compile("package com.new.models\nmodel M {\n input [1]\n"
                + " dense(1)\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
        assertTrue(c.hasErrors());
        assertEquals("NN0107", c.diagnostics().get(0).code().id());
    }

    @Test
    void trainingStepReducesTheLoss() {
        TrainableModel m = InMemoryJavac.load(Models.compile("model L {\n input [2]\n dense(1)\n"
                + " loss mse\n optimizer sgd(lr: 0.1)\n}\n"));
        m.initParams(new Rng(3));
        float[] x = {1, 2, 3, 4, 5, 6};
        float[] y = {5, 11, 17};
        double first = m.trainStep(x, y, 3);
        for (int step = 0; step < 200; step++) {
            m.trainStep(x, y, 3);
            float[] p = m.params();
            float[] g = m.grads();
            for (int i = 0; i < p.length; i++) {
                p[i] -= 0.02f * g[i];
            }
        }
        double last = m.evaluate(x, y, 3, null) / 3;
        assertTrue(last < first / 100, first + " -> " + last);
    }
}
