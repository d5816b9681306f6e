package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Missing.Rule;
import dev.nnc.runtime.model.Missing.Strategy;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables as they come: feature columns picked by name or range, text class labels, missing
 * values dropped or filled from the training data, gaps of a series interpolated.
 */
class TableDataTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static Missing missing(Rule... rules) {
        return new Missing(List.of(rules));
    }

    @Test
    void featuresAndIgnorePickColumnsByNameOrRange() throws IOException {
        Path f = file("t.csv", "id,a,b,c,date,y\n1,2,3,4,2020-01-01,5\n");
        DataSource.Csv src = DataSource.csv("t.csv", List.of("y"), false);
        LoadedData picked = DataLoader.load(f, src.withColumns(List.of("c", "a..b"), List.of()),
                3, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {4, 2, 3}, picked.dataset().x());
        assertEquals(List.of("c", "a", "b"), picked.features());
        LoadedData ignored = DataLoader.load(f, src.withColumns(List.of(), List.of("id", "date")),
                3, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {2, 3, 4}, ignored.dataset().x());
        assertEquals(List.of("a", "b", "c"), DataLoader.featureNames(f,
                src.withColumns(List.of(), List.of("id", "date"))));
        String msg = assertThrows(DataException.class, () -> DataLoader.load(f,
                src.withColumns(List.of("a..z"), List.of()), 3, 1, Loss.MSE, null)).getMessage();
        assertEquals(f + " has no column 'z' (named in features); its columns: id, a, b, c, "
                + "date, y", msg);
    }

    @Test
    void textClassLabelsAreClassesByNameSortedAndSavedExactly() throws IOException {
        Path f = file("t.csv", "x,kind\n1,versicolor\n2,setosa\n3,\"vir, ginica\"\n4,setosa\n");
        LoadedData d = DataLoader.load(f, DataSource.csv("t.csv", List.of("kind"), false), 1, 3,
                Loss.CROSS_ENTROPY, null);
        ClassLabels c = d.classes();
        assertTrue(c.isText());
        assertEquals(List.of("setosa", "versicolor", "vir, ginica"), c.names());
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0}, d.dataset().y());
        assertEquals(c, ClassLabels.parse(c.toString()));
        assertEquals("\"setosa\",\"versicolor\",\"vir, ginica\"", c.toString());
        Path test = file("u.csv", "x,kind\n1,daisy\n");
        String msg = assertThrows(DataException.class, () -> DataLoader.load(test,
                DataSource.csv("u.csv", List.of("kind"), false), 1, 3, Loss.CROSS_ENTROPY, c))
                .getMessage();
        assertEquals(test + ":2: column 'kind' (2): class daisy is not one of the training "
                + "classes (setosa, versicolor, vir, ginica)", msg);
    }

    @Test
    void numericClassLabelsStayNumbers() throws IOException {
        Path f = file("t.csv", "x,k\n1,10\n2,2\n3,2.0\n");
        LoadedData d = DataLoader.load(f, DataSource.csv("t.csv", List.of(), true), 1, 2,
                Loss.CROSS_ENTROPY, null);
        assertEquals(ClassLabels.of(2, 10), d.classes());
        assertEquals("2,10", d.classes().toString());
    }

    @Test
    void dropLeavesOutRowsWithAMissingFeatureOrLabel() throws IOException {
        Path f = file("t.csv", "a,b,y\n1,2,3\n,5,6\n7,NA,9\n10,11,\n13,14,15\n");
        DataSource.Csv src = DataSource.csv("t.csv", List.of(), true)
                .withMissing(missing(new Rule(Strategy.DROP, 0, List.of())));
        LoadedData d = DataLoader.load(f, src, 2, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {1, 2, 13, 14}, d.dataset().x());
        assertArrayEquals(new float[] {3, 15}, d.dataset().y());
    }

    @Test
    void withoutARuleAMissingValueIsAnErrorThatSaysWhatToAdd() throws IOException {
        Path f = file("t.csv", "a,b,y\n1,2,3\n4,,6\n");
        String msg = assertThrows(DataException.class, () -> DataLoader.load(f,
                DataSource.csv("t.csv", List.of(), true), 2, 1, Loss.MSE, null)).getMessage();
        assertEquals(f + ":3: column 'b' (2): empty value, expected a number (missing: in the "
                + "data block drops or fills missing values)", msg);
        DataSource.Csv onlyA = DataSource.csv("t.csv", List.of(), true)
                .withMissing(missing(new Rule(Strategy.MEAN, 0, List.of("a"))));
        assertThrows(DataException.class, () -> DataLoader.load(f, onlyA, 2, 1, Loss.MSE, null));
    }

    @Test
    void fillValuesAreFittedPerColumnFromTheValuesPresent() {
        float n = Float.NaN;
        float[] x = {1, 5, 0, n, 2, 1, 7, 1, 3, 2, 9, 1, n, n, n, 4};
        List<String> cols = List.of("a", "b", "c", "d");
        Missing m = missing(new Rule(Strategy.MEAN, 0, List.of("a")),
                new Rule(Strategy.MEDIAN, 0, List.of("b")), new Rule(Strategy.MODE, 0,
                        List.of("c")), new Rule(Strategy.CONSTANT, -1, List.of()));
        float[] fill = m.fit(x, 4, cols);
        assertArrayEquals(new float[] {2f, 2f, 0f, -1f}, fill);
        Missing drop = missing(new Rule(Strategy.DROP, 0, List.of()));
        float[] none = drop.fit(x, 4, cols);
        assertTrue(Float.isNaN(none[0]) && Float.isNaN(none[3]));
        assertEquals("[mean(\"a\"), median(\"b\"), mode(\"c\"), -1]", m.describe());
    }

    @Test
    void theStageFillsMissingInputsBeforeNormalizingAndSavesTheFillValues() {
        Preprocessing.Fill fill = new Preprocessing.Fill(new float[] {2.5f, Float.NaN});
        Normalizer norm = Normalizer.fit(new float[] {0, 0, 5, 10}, 2, 2,
                ModelSpec.Normalization.MINMAX);
        Preprocessing p = new Preprocessing(2, norm, Normalizer.identity(1), null, fill);
        float[] dst = new float[4];
        p.input(new double[][] {{Double.NaN, 4}, {10, Double.NaN}}, 0, 2, dst);
        // 2.5 filled after the scale (x / 2), then min-max over [0, 5] and [0, 10]
        assertEquals(0.5f, dst[0]);
        assertEquals(0.2f, dst[1]);
        assertEquals(1f, dst[2]);
        assertTrue(Float.isNaN(dst[3]));
        Map<String, String> meta = p.toMetadata();
        assertEquals("2.5,nan", meta.get(Preprocessing.FILL));
        assertEquals(p, Preprocessing.fromMetadata(meta));
        assertTrue(p.describe(Loss.MSE).contains("missing values filled in 1 input"));
    }

    @Test
    void interpolateDrawsAStraightLineOverTheGapsOfASeries() throws IOException {
        double n = Double.NaN;
        double[] v = {n, 1, n, n, 4, n};
        Missing.interpolate(v);
        assertArrayEquals(new double[] {1, 1, 2, 3, 4, 4}, v);
        Path f = file("s.csv", "t,v,note\n1,1,a\n2,,b\n3,3,c\n4,NA,d\n5,5,e\n6,6,f\n");
        ModelSpec.Window w = new ModelSpec.Window(2, 1, List.of("v"), List.of("v"), null, null,
                null);
        DataSource.Windows src = DataSource.windows("s.csv", w)
                .withMissing(missing(new Rule(Strategy.INTERPOLATE, 0, List.of())));
        LoadedData d = DataLoader.load(f, src, 2, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {1, 2, 2, 3, 3, 4, 4, 5}, d.dataset().x());
        assertArrayEquals(new float[] {3, 4, 5, 6}, d.dataset().y());
        double[][] rows = DataLoader.readFeatures(f, src, 2);
        assertArrayEquals(new double[] {4, 5}, rows[3]);
    }
}
