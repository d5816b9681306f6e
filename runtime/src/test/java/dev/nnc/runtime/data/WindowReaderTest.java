package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sliding windows over a CSV time series: {@code windows(...)} sources. */
class WindowReaderTest {
    private static final String SERIES = "t,v,w\n1,10,100\n2,11,110\n3,12,120\n4,13,130\n"
            + "5,14,140\n";

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, text);
        return f;
    }

    private static Window window(int length, int horizon, List<String> features,
            List<String> targets) {
        return new Window(length, horizon, features, targets, null, null, null);
    }

    @Test
    void everyWindowPredictsTheRowAfterIt() throws IOException {
        Path f = file(SERIES);
        LoadedData d = DataLoader.load(f, DataSource.windows("s.csv",
                window(3, 1, List.of("v"), List.of("v"))), 3, 1, Loss.MSE, null);
        assertEquals(2, d.dataset().size());
        assertArrayEquals(new float[] {10, 11, 12, 11, 12, 13}, d.dataset().x());
        assertArrayEquals(new float[] {13, 14}, d.dataset().y());
        assertEquals(List.of("v"), d.labels());
    }

    @Test
    void aDifferencedSeriesGivesWindowsOfDifferencesAndTheValuesToAddBack()
            throws IOException {
        // v = 10, 11, 13, 16, 20, 25: differences (lag 1) -, 1, 2, 3, 4, 5
        Path f = file("t,v\n1,10\n2,11\n3,13\n4,16\n5,20\n6,25\n");
        Window w = window(2, 1, List.of("v"), List.of("v")).withDifference(1);
        LoadedData d = DataLoader.load(f, DataSource.windows("s.csv", w), 2, 1, Loss.MSE, null);
        // the first window starts at row 1, the first with a value one step back
        assertEquals(3, d.dataset().size());
        assertArrayEquals(new float[] {1, 2, 2, 3, 3, 4}, d.dataset().x());
        assertArrayEquals(new float[] {3, 4, 5}, d.dataset().y());
        // the forecast of row 3 (16) is row 2's value (13) plus the difference 3
        assertArrayEquals(new float[] {13, 16, 20}, d.dataset().base());
        // subsets keep each sample's base
        assertArrayEquals(new float[] {20, 13},
                d.dataset().subset(new int[] {2, 0}, 0, 2).base());

        // for prediction: every raw window, the 3 rows whose 2 differences the model reads
        // and whose last value a forecast adds back
        CsvTable t = CsvReader.readAny(f);
        double[][] rows = WindowReader.featureRows(t, w, 1);
        assertEquals(4, rows.length);
        assertArrayEquals(new double[] {10, 11, 13}, rows[0]);
        assertArrayEquals(new double[] {16, 20, 25}, rows[3]); // the window past the file's end
        assertEquals(3, Difference.rawSize(w));
        assertArrayEquals(new int[] {2}, Difference.baseOffsets(w));

        // seasonal: lag 2, differences -, -, 3, 5, 7, 9
        Window w2 = window(2, 1, List.of("v"), List.of("v")).withDifference(2);
        LoadedData d2 = DataLoader.load(f, DataSource.windows("s.csv", w2), 2, 1, Loss.MSE,
                null);
        assertArrayEquals(new float[] {3, 5, 5, 7}, d2.dataset().x());
        assertArrayEquals(new float[] {7, 9}, d2.dataset().y());
        assertArrayEquals(new float[] {13, 16}, d2.dataset().base());
    }

    @Test
    void severalFeaturesAreStepMajor() throws IOException {
        // input [2,2]: step 0's v and w, then step 1's; the target two rows after the window.
        Path f = file(SERIES);
        LoadedData d = DataLoader.load(f, DataSource.windows("s.csv",
                window(2, 2, List.of("v", "w"), List.of("t"))), 4, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {10, 100, 11, 110, 11, 110, 12, 120}, d.dataset().x());
        assertArrayEquals(new float[] {4, 5}, d.dataset().y());
    }

    @Test
    void horizonZeroReadsTheTargetOnTheLastStep() throws IOException {
        Path f = file(SERIES);
        LoadedData d = DataLoader.load(f, DataSource.windows("s.csv",
                window(4, 0, List.of("v"), List.of("w"))), 4, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {130, 140}, d.dataset().y());
    }

    @Test
    void timeRangeSelectsByTheTargetRow() throws IOException {
        Path f = file(SERIES);
        Window upTo4 = new Window(2, 1, List.of("v"), List.of("v"), "t", null, 4.0);
        Window from5 = new Window(2, 1, List.of("v"), List.of("v"), "t", 5.0, null);
        LoadedData train = DataLoader.load(f, DataSource.windows("s.csv", upTo4), 2, 1,
                Loss.MSE, null);
        LoadedData test = DataLoader.load(f, DataSource.windows("s.csv", from5), 2, 1,
                Loss.MSE, null);
        assertArrayEquals(new float[] {12, 13}, train.dataset().y());
        // The test window may read rows before the split; only its target is after it.
        assertArrayEquals(new float[] {12, 13}, test.dataset().x());
        assertArrayEquals(new float[] {14}, test.dataset().y());
    }

    @Test
    void scaleDividesFeaturesNotTargets() throws IOException {
        Path f = file(SERIES);
        LoadedData d = DataLoader.load(f, DataSource.windows("s.csv",
                window(4, 1, List.of("v"), List.of("v"))).withScale(10), 4, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {1, 1.1f, 1.2f, 1.3f}, d.dataset().x());
        assertArrayEquals(new float[] {14}, d.dataset().y());
    }

    @Test
    void windowLongerThanTheSeriesIsAClearError() throws IOException {
        Path f = file(SERIES);
        String m = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.windows("s.csv", window(5, 1, List.of("v"), List.of("v"))), 5, 1,
                Loss.MSE, null)).getMessage();
        assertEquals("a window of 5 steps and a horizon of 1 step needs a series of at least 6 "
                + "rows, but " + f + " has 5 (the window is longer than the series)", m);
    }

    @Test
    void unknownColumnIsNamed() throws IOException {
        Path f = file(SERIES);
        String m = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.windows("s.csv", window(2, 1, List.of("x"), List.of("v"))), 2, 1,
                Loss.MSE, null)).getMessage();
        assertEquals(f + " has no column 'x'; its columns: t, v, w", m);
    }

    @Test
    void emptyRangeIsNamed() throws IOException {
        Path f = file(SERIES);
        Window w = new Window(2, 1, List.of("v"), List.of("v"), "t", 9.0, null);
        String m = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.windows("s.csv", w), 2, 1, Loss.MSE, null)).getMessage();
        assertEquals("no window of " + f + " has its target's t in [9, ...); the targets' t runs"
                + " from 3 to 5", m);
    }

    @Test
    void inputOfAnotherSizeIsAnError() throws IOException {
        Path f = file(SERIES);
        String m = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.windows("s.csv", window(3, 1, List.of("v"), List.of("v"))), 4, 1,
                Loss.MSE, null)).getMessage();
        assertEquals(f + ": a window of 3 steps of 1 feature holds 3 values but the model has 4 "
                + "inputs (a windows source feeds an input [3,1])", m);
    }

    @Test
    void badNumberInTheSeriesNamesLineAndColumn() throws IOException {
        Path f = file("t,v\n1,10\n2,abc\n3,12\n");
        String m = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.windows("s.csv", window(1, 1, List.of("v"), List.of("v"))), 1, 1,
                Loss.MSE, null)).getMessage();
        assertEquals(true, m.startsWith(f + ":3:"), m);
    }

    @Test
    void checkFindsNothingWrongInAGoodSeries() throws IOException {
        CsvTable t = CsvReader.read(file(SERIES));
        assertNull(WindowReader.check(t, window(4, 1, List.of("v", "w"), List.of("v")), "s"));
        assertEquals(WindowReader.Problem.TOO_SHORT, WindowReader.check(t,
                window(4, 2, List.of("v"), List.of("v")), "s").problem());
    }

    @Test
    void predictionReadsEveryCompleteWindow() throws IOException {
        Path f = file(SERIES);
        DataSource src = DataSource.windows("s.csv", new Window(4, 1, List.of("v"),
                List.of("v"), "t", null, 3.0));
        double[][] rows = DataLoader.readFeatures(f, src, 4);
        assertEquals(2, rows.length);
        assertArrayEquals(new double[] {11, 12, 13, 14}, rows[1]);
    }

    @Test
    void sequenceNormalizerSharesEachFeaturesRangeOverSteps() {
        // two samples of [2,2]: feature 0 takes 1, 3, 2, 5; feature 1 takes 10, 10, 20, 40.
        float[] x = {1, 10, 3, 10, 2, 20, 5, 40};
        Normalizer n = Normalizer.fitSteps(x, 2, 2, 2, ModelSpec.Normalization.MINMAX);
        assertArrayEquals(new double[] {1, 10, 1, 10}, n.shift());
        assertArrayEquals(new double[] {4, 30, 4, 30}, n.scale());
    }

    @Test
    void describeWritesTheSourceAsTheFileDoes() {
        DataSource src = DataSource.windows("s.csv", new Window(12, 1, List.of("v"),
                List.of("v", "w"), "t", null, 1920.0));
        assertEquals("windows(\"s.csv\", window: 12, horizon: 1, features: \"v\", target: "
                + "[\"v\", \"w\"], time: \"t\", to: 1920)", src.describe());
        // bounds given as ISO dates are written back as dates, not as seconds since 1970
        Window dated = new Window(8, 1, List.of("co2"), List.of("co2"), "date",
                IsoTime.parse("1996-01-01"), IsoTime.parse("2001-06-30T12:00"), true);
        assertEquals("window: 8, horizon: 1, features: \"co2\", target: \"co2\", time: "
                + "\"date\", from: \"1996-01-01\", to: \"2001-06-30T12:00\"",
                dated.describe());
    }
}
