package dev.nnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.Rng;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@code split: stratified}: the validation samples keep each class's share of the data. */
class StratifiedSplitTest {
    /** {@code counts[c]} samples of class c, one-hot over the classes, in class order. */
    private static Dataset oneHot(int... counts) {
        int n = Arrays.stream(counts).sum();
        int k = counts.length;
        float[] y = new float[n * k];
        int s = 0;
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < counts[c]; i++, s++) {
                y[s * k + c] = 1;
            }
        }
        return new Dataset(new float[n], y, n, 1, k);
    }

    private static int[] classesOf(int[] order, int from, int to, Dataset d) {
        int k = d.outputSize();
        int[] count = new int[Math.max(2, k)];
        for (int i = from; i < to; i++) {
            int s = order[i];
            int c = 0;
            for (int j = 0; j < k; j++) {
                c = d.y()[s * k + j] > d.y()[s * k + c] ? j : c;
            }
            count[k == 1 ? (d.y()[s] >= 0.5f ? 1 : 0) : c]++;
        }
        return count;
    }

    @Test
    void eachClassKeepsItsShareAndEverySampleIsUsedOnce() {
        Dataset d = oneHot(90, 7, 3);
        int[] idx = new int[100];
        Arrays.setAll(idx, i -> i);
        new Rng(5).shuffle(idx, idx.length);
        int[] order = ValidationSplit.stratified(idx, d, 20);
        // 18 + 1.4 + 0.6: the two samples left by rounding down go to the largest remainders
        assertEquals("[18, 1, 1]", Arrays.toString(classesOf(order, 0, 20, d)));
        assertEquals("[72, 6, 2]", Arrays.toString(classesOf(order, 20, 100, d)));
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] all = new int[100];
        Arrays.setAll(all, i -> i);
        assertEquals(Arrays.toString(all), Arrays.toString(sorted));
        // the same counts whatever the shuffle: 9, 0.7 and 0.3 rounded by largest remainder
        for (long seed = 0; seed < 50; seed++) {
            new Rng(seed).shuffle(idx, idx.length);
            int[] v = classesOf(ValidationSplit.stratified(idx, d, 10), 0, 10, d);
            assertEquals("[9, 1, 0]", Arrays.toString(v), "seed " + seed);
        }
    }

    @Test
    void oneSigmoidOutputSplitsByItsZeroOneLabel() {
        float[] y = new float[40];
        for (int i = 0; i < 8; i++) {
            y[i * 5] = 1;
        }
        Dataset d = new Dataset(new float[40], y, 40, 1, 1);
        int[] idx = new int[40];
        Arrays.setAll(idx, i -> i);
        new Rng(1).shuffle(idx, idx.length);
        assertEquals("[8, 2]", Arrays.toString(classesOf(ValidationSplit.stratified(idx, d, 10), 0,
                10, d)));
    }
}
