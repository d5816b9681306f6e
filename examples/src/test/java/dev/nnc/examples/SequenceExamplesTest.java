package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.IdxReader;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data of textbook step 9 (recurrent networks) as the models read it: sliding windows over
 * the sunspot series, sequences stored one per CSV row, images read as T rows of F pixels; and
 * the linear AR(12) baseline the recurrent sunspot models are measured against.
 */
class SequenceExamplesTest {
    private static final Path SUNSPOTS = Path.of("09-rnn/data/sunspots.csv");

    @TempDir
    Path dir;

    private static DataSource sunspots(Double from, Double to) {
        return DataSource.windows(SUNSPOTS.toString(), new ModelSpec.Window(12, 1,
                List.of("SUNACTIVITY"), List.of("SUNACTIVITY"), "YEAR", from, to));
    }

    @Test
    void sunspotWindowsSplitAt1920() {
        CsvTable t = CsvReader.read(SUNSPOTS);
        assertEquals(309, t.rowCount());
        double[] spots = t.column(1);
        LoadedData train = DataLoader.load(SUNSPOTS, sunspots(null, 1920.0), 12, 1,
                ModelSpec.Loss.MSE, null);
        LoadedData test = DataLoader.load(SUNSPOTS, sunspots(1921.0, null), 12, 1,
                ModelSpec.Loss.MSE, null);
        assertEquals(209, train.dataset().size(), "targets 1712..1920");
        assertEquals(88, test.dataset().size(), "targets 1921..2008");
        // The first training window is 1700..1711 and predicts 1712.
        for (int step = 0; step < 12; step++) {
            assertEquals((float) spots[step], train.dataset().x()[step]);
        }
        assertEquals((float) spots[12], train.dataset().y()[0]);
        // The first test window is 1909..1920 and predicts 1921 (row 221).
        assertEquals((float) spots[209], test.dataset().x()[0]);
        assertEquals((float) spots[221], test.dataset().y()[0]);
    }

    @Test
    void linearAutoregressionReachesLeastSquares() {
        Example e = Example.train("09-rnn/sunspots-ar.nn");
        assertTrue(e.metric("test_r2") >= 0.85, e.metrics().toString());
    }

    @Test
    void subtractionSequencesAreStoredOnePerRow() {
        // input [4,2] read step-major from a0,b0,..,a3,b3; output [4,1] from d0..d3.
        Path f = Path.of("09-rnn/subtract.csv");
        LoadedData d = DataLoader.load(f, DataSource.csv(f.toString(),
                List.of("d0", "d1", "d2", "d3"), false), 8, 4,
                ModelSpec.Loss.BINARY_CROSS_ENTROPY, null);
        assertEquals(136, d.dataset().size());
        for (int r = 0; r < 136; r++) {
            int a = 0;
            int b = 0;
            int diff = 0;
            for (int step = 0; step < 4; step++) {
                a |= (int) d.dataset().x()[r * 8 + step * 2] << step;
                b |= (int) d.dataset().x()[r * 8 + step * 2 + 1] << step;
                diff |= (int) d.dataset().y()[r * 4 + step] << step;
            }
            assertTrue(a >= b, "row " + r);
            assertEquals(a - b, diff, "row " + r + ": " + a + " - " + b);
        }
    }

    @Test
    void echoTargetIsTheFirstStep() {
        CsvTable t = CsvReader.read(Path.of("09-rnn/echo-train.csv"));
        assertEquals(List.of("x1", "x2", "y"), t.names());
        assertEquals(500, t.rowCount());
        assertArrayEquals(t.column(0), t.column(2));
    }

    @Test
    void idxImagesAreReadAsRowsOfPixels() throws IOException {
        // Two 28x28 images; pixel (r, c) of image i is (i + r + c) % 256. An input [28,28] takes
        // step r = row r, feature c = column c.
        int n = 2;
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784);
        images.putInt(0x00000803).putInt(n).putInt(28).putInt(28);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 784; p++) {
                images.put((byte) ((i + p / 28 + p % 28) % 256));
            }
        }
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x00000801).putInt(n);
        labels.put((byte) 0).put((byte) 1);
        Path xi = dir.resolve("images-idx3-ubyte");
        Path yi = dir.resolve("labels-idx1-ubyte");
        Files.write(xi, images.array());
        Files.write(yi, labels.array());
        assertArrayEquals(new int[] {n, 28, 28}, IdxReader.header(xi).shape());
        LoadedData d = DataLoader.load(xi, DataSource.idx(xi.toString(),
                yi.toString()), 28 * 28, 1, ModelSpec.Loss.BINARY_CROSS_ENTROPY, null);
        float[] x = d.dataset().x();
        assertEquals(1 + 5 + 7, x[784 + 5 * 28 + 7], "image 1, row 5, column 7");
        assertEquals(27 + 27, x[27 * 28 + 27], "image 0, last pixel");
    }
}
