package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.Categorical;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossValidationTest {

    /** 23 samples: 11 of class 0, 8 of class 1, 4 of class 2, one-hot. */
    private static Dataset classes() {
        int[] counts = {11, 8, 4};
        double[][] x = new double[23][1];
        double[][] y = new double[23][3];
        for (int i = 0, c = 0, left = counts[0]; i < 23; i++, left--) {
            while (left == 0) {
                left = counts[++c];
            }
            x[i][0] = i;
            y[i][c] = 1;
        }
        return Dataset.of(x, y);
    }

    @Test
    void stratifiedFoldsSpreadEveryClassAndDifferInSizeByOneAtMost() {
        Dataset d = classes();
        int[] fold = CrossValidation.assign(d, 4, CrossValidation.Folds.STRATIFIED, new Rng(3));
        int[][] count = new int[4][3];
        int[] size = new int[4];
        for (int i = 0; i < 23; i++) {
            count[fold[i]][ClassWeights.classOf(d, i)]++;
            size[fold[i]]++;
        }
        int[] total = {11, 8, 4};
        for (int f = 0; f < 4; f++) {
            assertTrue(size[f] == 5 || size[f] == 6, "fold " + f + ": " + size[f]);
            for (int c = 0; c < 3; c++) {
                // ⌊n_c / k⌋ or ⌈n_c / k⌉ of each class
                assertTrue(count[f][c] == total[c] / 4 || count[f][c] == (total[c] + 3) / 4,
                        "fold " + f + " class " + c + ": " + count[f][c]);
            }
        }
    }

    @Test
    void contiguousFoldsAreStretchesInOrder() {
        int[] fold = CrossValidation.assign(classes(), 5, CrossValidation.Folds.CONTIGUOUS,
                new Rng(3));
        // 23 samples into 5, sample p in fold ⌊p·5/23⌋: sizes 5, 5, 4, 5, 4
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4,
            4, 4, 4}, fold);
    }

    @Test
    void sampleStandardDeviation() {
        assertEquals(2.5, CrossValidation.mean(new double[] {1, 2, 3, 4}), 0);
        // Σ(x − 2.5)² = 5, over n − 1 = 3
        assertEquals(Math.sqrt(5.0 / 3), CrossValidation.sd(new double[] {1, 2, 3, 4}), 1e-15);
    }

    /**
     * Rows 1-4 train, rows 5-7 are held out. Oslo is the most frequent city of the training
     * folds, Paris of the whole file (all three of its rows held out).
     */
    private static final String CITIES = "city,a,y\nRome,1,0\nOslo,2,1\n,3,0\nOslo,4,1\n"
            + "Paris,5,0\nParis,6,1\nParis,7,0\n";
    private static final int[] FOLD_OF = {0, 0, 0, 0, 1, 1, 1};

    private static LoadedData cities(Path dir, Categorical.Unseen unseen) throws IOException {
        Path f = dir.resolve("cities.csv");
        Files.writeString(f, CITIES);
        DataSource.Csv src = DataSource.csv("cities.csv", List.of("y"), false)
                .withCategorical(new Categorical(List.of("city"), unseen))
                .withMissing(new Missing(List.of(new Missing.Rule(Missing.Strategy.MODE, 0,
                        List.of("city")))));
        return DataLoader.load(f, src, unseen == Categorical.Unseen.OTHER ? 5 : 4, 1, Loss.MSE,
                null);
    }

    @Test
    void theCategoriesAndModeOfTheHeldOutFoldDoNotReachTheTrainingFolds(@TempDir Path dir)
            throws IOException {
        LoadedData ld = cities(dir, Categorical.Unseen.OTHER);
        // the model's inputs are the whole file's: city=Oslo, =Paris, =Rome, =(other), a
        assertEquals(List.of("city=Oslo", "city=Paris", "city=Rome", "city=(other)", "a"),
                ld.features());
        DataSource src = DataSource.csv("cities.csv", List.of("y"), false);
        Dataset[] folds = CrossValidation.split(ld, src, ld.features(), FOLD_OF, 1,
                "fold 2 of 2");
        // the missing city of row 3 is the training folds' mode, Oslo, not the file's, Paris
        assertArrayEquals(new float[] {
            0, 0, 1, 0, 1,
            1, 0, 0, 0, 2,
            1, 0, 0, 0, 3,
            1, 0, 0, 0, 4}, folds[0].x());
        // Paris is in no training fold: unseen, as a test file's unknown category is
        assertArrayEquals(new float[] {
            0, 0, 0, 1, 5,
            0, 0, 0, 1, 6,
            0, 0, 0, 1, 7}, folds[1].x());
        // the file's own encoding is left as it was
        assertEquals(1f, ld.dataset().x()[2 * 5 + 1]);
    }

    @Test
    void aCategoryOfTheHeldOutFoldAloneIsRefusedUnderUnseenError(@TempDir Path dir)
            throws IOException {
        LoadedData ld = cities(dir, Categorical.Unseen.ERROR);
        DataSource src = DataSource.csv("cities.csv", List.of("y"), false);
        String msg = assertThrows(DataException.class, () -> CrossValidation.split(ld, src,
                ld.features(), FOLD_OF, 1, "fold 2 of 2")).getMessage();
        assertEquals("fold 2 of 2: column 'city': 'Paris' is not one of the training folds' "
                + "categories (Oslo, Rome); unseen: other in the data block sends such values to "
                + "an input of their own", msg);
        // held out the other way, every category of the held-out rows is known
        Dataset[] folds = CrossValidation.split(ld, src, ld.features(),
                new int[] {0, 1, 0, 0, 0, 1, 0}, 1, "fold 2 of 2");
        assertEquals(5, folds[0].size());
        // the missing city of row 3 is Paris, the training folds' mode here
        assertArrayEquals(new float[] {0, 1, 0, 3}, java.util.Arrays.copyOfRange(folds[0].x(),
                4, 8));
    }
}
