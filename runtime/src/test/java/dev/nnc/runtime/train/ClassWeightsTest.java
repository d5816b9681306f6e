package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nnc.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

class ClassWeightsTest {

    @Test
    void balancedOneHotIsSamplesOverClassesTimesCount() {
        // 6 samples: class 0 ×3, class 1 ×2, class 2 ×1 → 6/(3·3), 6/(3·2), 6/(3·1)
        double[][] x = {{0}, {0}, {0}, {0}, {0}, {0}};
        double[][] y = {{1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}};
        assertArrayEquals(new float[] {6f / 9, 1f, 2f},
                ClassWeights.balanced(Dataset.of(x, y)), 1e-6f);
    }

    @Test
    void balancedSingleOutputCountsZerosAndOnes() {
        // 5 samples, one positive: 5/(2·4) for 0, 5/(2·1) for 1
        double[][] x = {{0}, {0}, {0}, {0}, {0}};
        double[][] y = {{0}, {1}, {0}, {0}, {0}};
        assertArrayEquals(new float[] {5f / 8, 2.5f},
                ClassWeights.balanced(Dataset.of(x, y)), 1e-6f);
    }

    @Test
    void balancedCountsOnlyTheSplitItIsGiven() {
        double[][] x = {{0}, {0}, {0}, {0}, {0}, {0}};
        double[][] y = {{0}, {0}, {0}, {0}, {1}, {1}};
        Dataset all = Dataset.of(x, y);
        // the first two samples (both class 0) taken as validation: 2 of class 0, 2 of class 1
        Dataset train = all.subset(new int[] {0, 1, 2, 3, 4, 5}, 2, 6);
        assertArrayEquals(new float[] {1f, 1f}, ClassWeights.balanced(train), 1e-6f);
        assertArrayEquals(new float[] {6f / 8, 1.5f}, ClassWeights.balanced(all), 1e-6f);
    }
}
