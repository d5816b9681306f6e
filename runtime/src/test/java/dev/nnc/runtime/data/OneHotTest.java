package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.Categorical;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Categorical feature columns: the categories of the training file, sorted, one input each in
 * place of the column; the test file and raw rows encoded with the training file's categories;
 * an unseen category an error or the {@code (other)} input; a missing one the most frequent
 * category under {@code mode}; the encoding saved exactly with the weights.
 */
class OneHotTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static DataSource.Csv src(Categorical.Unseen u, Missing m) {
        return DataSource.csv("t.csv", List.of("y"), false)
                .withCategorical(new Categorical(List.of("city"), u)).withMissing(m);
    }

    @Test
    void aCategoricalColumnBecomesOneInputPerSortedCategoryInItsPlace() throws IOException {
        Path f = file("t.csv", "a,city,b,y\n1,Rome,10,0\n2,Oslo,20,1\n3,Rome,30,0\n4,Bern,40,1\n");
        LoadedData d = DataLoader.load(f, src(Categorical.Unseen.ERROR, Missing.NONE), 5, 1,
                Loss.MSE, null);
        assertEquals(List.of("a", "city=Bern", "city=Oslo", "city=Rome", "b"), d.features());
        assertArrayEquals(new float[] {
            1, 0, 0, 1, 10,
            2, 0, 1, 0, 20,
            3, 0, 0, 1, 30,
            4, 1, 0, 0, 40}, d.dataset().x());
        OneHot h = d.oneHot();
        assertEquals(h, OneHot.decode(h.encode()));
        assertEquals("{\"columns\":[\"a\",\"city\",\"b\"],\"categories\":{\"city\":[\"Bern\","
                + "\"Oslo\",\"Rome\"]},\"fill\":{},\"unseen\":\"error\"}", h.encode());
        assertArrayEquals(new double[] {7, 0, 1, 0, 0.5}, h.encode(new Object[] {7, "Oslo", 0.5}));

        Path test = file("u.csv", "a,city,b,y\n5,Oslo,1,0\n6,Paris,2,1\n");
        String msg = assertThrows(DataException.class, () -> DataLoader.load(test,
                src(Categorical.Unseen.ERROR, Missing.NONE), 5, 1, Loss.MSE, null, h))
                .getMessage();
        assertEquals(test + ":3: column 'city' (2): 'Paris' is not one of the training file's "
                + "categories (Bern, Oslo, Rome); unseen: other in the data block sends such "
                + "values to an input of their own", msg);
        String width = assertThrows(DataException.class, () -> DataLoader.load(f,
                src(Categorical.Unseen.ERROR, Missing.NONE), 3, 1, Loss.MSE, null)).getMessage();
        assertEquals(f + " has 3 feature columns (a, city, b), 5 inputs with city one-hot "
                + "(3 categories) but the model has 3 inputs; label column: y", width);
    }

    @Test
    void unseenOtherHasAnInputOfItsOwnAndMissingTakesTheMostFrequentCategory()
            throws IOException {
        Missing mode = new Missing(List.of(new Missing.Rule(Missing.Strategy.MODE, 0,
                List.of("city"))));
        Path f = file("t.csv", "a,city,b,y\n1,Rome,10,0\n2,Oslo,20,1\n3,,30,0\n4,Oslo,40,1\n"
                + "5,Rome,50,1\n");
        LoadedData d = DataLoader.load(f, src(Categorical.Unseen.OTHER, mode), 5, 1, Loss.MSE,
                null);
        OneHot h = d.oneHot();
        assertEquals(List.of("a", "city=Oslo", "city=Rome", "city=(other)", "b"),
                h.inputNames());
        // Oslo and Rome are both twice: the first in category order fills
        assertArrayEquals(new float[] {3, 1, 0, 0, 30}, java.util.Arrays.copyOfRange(
                d.dataset().x(), 10, 15));
        assertArrayEquals(new double[] {9, 0, 0, 1, 1}, h.encode(new Object[] {9, "Lima", 1}));
        assertArrayEquals(new double[] {9, 1, 0, 0, 1}, h.encode(new Object[] {9, null, 1}));
        assertEquals("city one-hot (2 categories + other, missing: Oslo)", h.describe());
        Preprocessing p = new Preprocessing(1, Normalizer.identity(5), Normalizer.identity(1),
                null, null, h);
        assertEquals(h, Preprocessing.fromMetadata(p.toMetadata()).oneHot());
    }

    @Test
    void numbersAsCategoriesAreOneCategoryWhateverTheirForm() {
        OneHot h = OneHot.fit(List.of("zip"), Map.of("zip", java.util.Arrays.asList("10",
                "9", "10.0", null)), List.of(), Categorical.Unseen.ERROR);
        assertEquals(List.of("9", "10"), h.categories(0));
        assertArrayEquals(new double[] {0, 1}, h.encode(new Object[] {10.0}));
        assertArrayEquals(new double[] {1, 0}, h.encode(new Object[] {"9"}));
        String msg = assertThrows(DataException.class, () -> h.encode(new Object[] {null}))
                .getMessage();
        assertEquals("column 'zip': a missing category, and no missing: rule fills it (missing: "
                + "mode(\"zip\") fills it with the training file's most frequent one)", msg);
    }
}
