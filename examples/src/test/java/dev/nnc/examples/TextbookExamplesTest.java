package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trains every example of textbook steps 1 to 5 with the settings its file gives and asserts the
 * figure its comment states. The figures were reached by a plain numpy re-implementation on the
 * same data, so a miss points at nnc.
 */
class TextbookExamplesTest {

    @Test
    void blackboxNeuronFindsWAndB() {
        Example e = Example.train("01-neuron/blackbox.nn");
        float w = e.param("dense1.W", 0);
        float b = e.param("dense1.B", 0);
        assertTrue(Math.abs(w - 2.21) < 0.02, "w = " + w);
        assertTrue(Math.abs(b) < 0.03, "b = " + b);
    }

    @Test
    void serversMatchLeastSquares() {
        Example e = Example.train("02-linear-regression/servers.nn");
        CsvTable t = e.csv("servers.csv");
        double[] x = t.column(0);
        double[] y = t.column(1);
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double w = sxy / sxx;
        double b = my - w * mx;
        assertEquals(w, e.param("dense1.W", 0), 0.05, "w");
        assertEquals(b, e.param("dense1.B", 0), 0.05, "b");
    }

    @Test
    void housePredictionMatchesNormalEquation() {
        Example e = Example.train("02-linear-regression/house.nn");
        CsvTable t = e.csv("house.csv");
        double[] beta = normalEquation(t.column(0), t.column(1), t.column(2));
        double expected = beta[0] + beta[1] * 15 + beta[2] * 93;
        double got = e.predictor().predict(15, 93)[0];
        assertEquals(expected, got, 0.01 * expected, "z(15, 93)");
    }

    @Test
    void logisticSeparatesTheTwoClasses() {
        Example e = Example.train("03-linear-classification/logistic.nn");
        assertTrue(e.metric("train_accuracy") >= 0.95, e.metrics().toString());
        assertTrue(e.metric("final_loss") < 0.25, e.metrics().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"and", "or", "nand", "nor", "not"})
    void logicGatesAreLearnedExactly(String gate) {
        assertEveryOutputWithin("03-linear-classification/gates/" + gate + ".nn", gate + ".csv",
                0.01);
    }

    @Test
    void softmaxClassifiesTheBooksFourPoints() {
        Example e = Example.train("03-linear-classification/softmax.nn");
        assertTrue(e.metric("final_loss") < 0.3, e.metrics().toString());
        Predictor p = e.predictor();
        double[][] points = {{5, 1}, {7, 6}, {5, 6}, {2, 7}};
        double[] classes = {2, 3, 1, 1};
        for (int i = 0; i < points.length; i++) {
            assertEquals(classes[i], p.classify(points[i]).label(), "class of point " + i);
        }
    }

    @Test
    void sineIsFitted() {
        Example e = Example.train("04-nonlinear-regression/sine.nn");
        assertTrue(e.metric("test_r2") >= 0.97, e.metrics().toString());
    }

    @Test
    void complexCurveIsFitted() {
        Example e = Example.train("04-nonlinear-regression/curve.nn");
        assertTrue(e.metric("test_r2") >= 0.95, e.metrics().toString());
    }

    @Test
    void xorIsLearnedExactly() {
        assertEveryOutputWithin("05-nonlinear-classification/xor.nn", "xor.csv", 0.01);
    }

    @Test
    void doubleArcsAreSeparated() {
        Example e = Example.train("05-nonlinear-classification/arcs.nn");
        assertTrue(e.metric("test_accuracy") >= 0.95, e.metrics().toString());
    }

    @Test
    void ringsAreClassified() {
        Example e = Example.train("05-nonlinear-classification/rings.nn");
        assertTrue(e.metric("test_accuracy") >= 0.90, e.metrics().toString());
    }

    @Test
    void ringsWrittenWithAGroupIsTheSameModel() {
        Compilation plain = compile("05-nonlinear-classification/rings.nn");
        Compilation grouped = compile("05-nonlinear-classification/rings-grouped.nn");
        assertEquals(plain.model().archHash(), grouped.model().archHash());
        Example e = Example.train("05-nonlinear-classification/rings-grouped.nn");
        assertTrue(e.metric("test_accuracy") >= 0.90, e.metrics().toString());
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Example a = Example.train("05-nonlinear-classification/arcs.nn");
        Example b = Example.train("05-nonlinear-classification/arcs.nn");
        assertArrayEquals(a.model.params(), b.model.params());
        var c = InMemoryJavac.load(a.compilation);
        Training.run(c, a.file.getParent(), Training.Options.defaults().withSeed(12345L));
        assertTrue(!java.util.Arrays.equals(a.model.params(), c.params()),
                "another seed gives other weights");
    }

    @TestFactory
    Stream<DynamicTest> everyExampleCompilesWithoutJavacWarnings() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("."))) {
            files = s.filter(p -> p.toString().endsWith(".nn"))
                    .filter(p -> !p.toString().contains("common"))
                    .filter(p -> !p.toString().contains("maven-consumer"))
                    .filter(p -> !p.toString().contains("target")).sorted().toList();
        }
        assertTrue(files.size() >= 15, "examples found: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> {
            Compilation c = compile(f.toString());
            var r = InMemoryJavac.compile(c.className(), c.javaSource());
            assertTrue(r.warnings().isEmpty(), r.warnings().toString());
        }));
    }

    private static Compilation compile(String relative) {
        Compilation c = NnCompiler.compile(Path.of(relative), NnCompiler.Options.defaults());
        assertTrue(!c.hasErrors(), c.renderDiagnostics());
        return c;
    }

    private static void assertEveryOutputWithin(String nn, String csv, double tolerance) {
        Example e = Example.train(nn);
        CsvTable t = e.csv(csv);
        Predictor p = e.predictor();
        int features = t.columnCount() - 1;
        for (int r = 0; r < t.rowCount(); r++) {
            double[] row = new double[features];
            for (int c = 0; c < features; c++) {
                row[c] = t.value(r, c);
            }
            double y = t.value(r, features);
            double a = p.predict(row)[0];
            assertEquals(y, a, tolerance, nn + " row " + r + " after "
                    + e.metric("epochs_run") + " epochs");
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    /** Least squares y = b0 + b1·x1 + b2·x2 by the normal equation (XᵀX)β = Xᵀy. */
    private static double[] normalEquation(double[] x1, double[] x2, double[] y) {
        double[][] a = new double[3][4];
        for (int i = 0; i < y.length; i++) {
            double[] row = {1, x1[i], x2[i]};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    a[r][c] += row[r] * row[c];
                }
                a[r][3] += row[r] * y[i];
            }
        }
        for (int k = 0; k < 3; k++) {
            for (int r = k + 1; r < 3; r++) {
                double f = a[r][k] / a[k][k];
                for (int c = k; c < 4; c++) {
                    a[r][c] -= f * a[k][c];
                }
            }
        }
        double[] beta = new double[3];
        for (int r = 2; r >= 0; r--) {
            double s = a[r][3];
            for (int c = r + 1; c < 3; c++) {
                s -= a[r][c] * beta[c];
            }
            beta[r] = s / a[r][r];
        }
        return beta;
    }
}
