package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

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
}
