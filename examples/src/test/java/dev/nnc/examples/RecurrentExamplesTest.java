package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trains the examples of textbook step 9 (recurrent networks) with the settings their files give
 * and asserts the figures their comments state: the echo (19.1), the 4-bit subtraction (19.2),
 * and the sunspot series with rnn, lstm and gru layers. Each trains in a few seconds.
 */
class RecurrentExamplesTest {

    @TempDir
    Path dir;

    @Test
    void echoRemembersThePreviousStep() {
        Example e = Example.train("09-rnn/echo.nn");
        assertTrue(e.metric("test_r2") >= 0.95, e.metrics().toString());
    }

    @Test
    void subtractionIsRightOnAllPairs() {
        Example e = Example.train("09-rnn/subtract.nn");
        assertEquals(1.0, e.metric("test_accuracy"), e.metrics().toString());
        // Every bit of every one of the 136 differences, through the predictor.
        CsvTable t = e.csv("subtract.csv");
        Predictor p = e.predictor();
        assertEquals(136, t.rowCount());
        for (int r = 0; r < t.rowCount(); r++) {
            double[] row = t.row(r);
            double[] in = java.util.Arrays.copyOf(row, 8);
            double[] out = p.predict(in);
            assertEquals(4, out.length);
            for (int step = 0; step < 4; step++) {
                assertEquals(row[8 + step], out[step] >= 0.5 ? 1 : 0, "row " + r + " bit "
                        + step);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn", "lstm", "gru"})
    void sunspotsArePredicted(String cell) {
        Example e = Example.train("09-rnn/sunspots-" + cell + ".nn");
        assertTrue(e.metric("test_r2") >= 0.80, cell + ": " + e.metrics());
    }

    @Test
    void imagesAreReadAsRowsOfPixels() throws IOException {
        // An IDX file of [N,28,28] images feeds an input [28,28]: 28 steps of 28 pixels. Eight
        // images: class 1 has a bright top half, class 0 a bright bottom half.
        int n = 8;
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784);
        images.putInt(0x00000803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            for (int p = 0; p < 784; p++) {
                boolean top = p / 28 < 14;
                images.put((byte) (top == (label == 1) ? 200 + i : 10));
            }
            labels.put((byte) label);
        }
        Files.write(dir.resolve("images-idx3-ubyte"), images.array());
        Files.write(dir.resolve("labels-idx1-ubyte"), labels.array());
        Path nn = dir.resolve("rows.nn");
        Files.writeString(nn, """
                model Rows {
                    input [28, 28]
                    rnn(4)
                    dense(1) -> sigmoid
                    loss binary_cross_entropy
                    optimizer adam(lr: 0.05)
                    seed 42
                    data {
                        train: idx(images: "images-idx3-ubyte", labels: "labels-idx1-ubyte")
                        scale: 255
                    }
                    train { epochs: 30, batch: 4 }
                }
                """);
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Training.RunResult r = Training.run(m, dir, Training.Options.defaults());
        assertEquals(1.0, ((Number) r.metrics().get("train_accuracy")).doubleValue(),
                r.metrics().toString());
    }
}
