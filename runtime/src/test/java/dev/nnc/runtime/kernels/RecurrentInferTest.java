package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.nnc.runtime.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * The model class's inference step ({@link SequenceKernels#inferStep}): the kernels in use (the
 * Vector API ones under these tests, U packed and its column groups walked in the other order on
 * odd steps, or the lstm's U of four vectors of units read in place where it fits in the L1
 * cache) give the bits of the plain kernels (the recurrent product by {@link DenseKernels#infer},
 * then the cell's reference step) over whole sequences, for every cell, widths across the vector
 * and both group sizes (eight vectors, and four past 64 KiB a group: 129 units with 512-bit
 * vectors, 257 with 256) with leftover columns, one and several rows, with ±0 and NaN among the
 * weights and inputs.
 */
class RecurrentInferTest {
    private static final int STEPS = 5;
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, 1f, -1f};

    @Test
    void theVectorKernelsAreInUse() {
        assertNotSame(SequenceKernels.scalar(), SequenceKernels.get());
    }

    @Test
    void inferenceStepsGiveTheBitsOfThePlainKernels() {
        for (int h : new int[] {1, 3, 7, 8, 9, 16, 17, 32, 33, 64, 65, 129, 257}) {
            for (int n : new int[] {1, 3}) {
                for (SequenceKernels.Cell cell : SequenceKernels.Cell.values()) {
                    for (boolean special : new boolean[] {false, true}) {
                        check(cell, h, n, special);
                    }
                }
            }
        }
    }

    private static void check(SequenceKernels.Cell cell, int h, int n, boolean special) {
        int gh = cell.gates() * h;
        Rng rng = new Rng(h * 1000L + n * 10L + cell.ordinal() + (special ? 7 : 0));
        // U at 5 (an offset that is no multiple of the vector width), then the GRU's Bhn
        int u = 5;
        int bhn = cell == SequenceKernels.Cell.GRU ? u + h * gh : -1;
        float[] p = values(u + h * gh + h, rng, special, 1f / h);
        float[] zx = values(STEPS * n * gh, rng, special, 1f);
        float[][] results = new float[2][];
        int k = 0;
        for (SequenceKernels sk : new SequenceKernels[] {SequenceKernels.get(),
            SequenceKernels.scalar()}) {
            float[] z = zx.clone();
            float[] hu = new float[STEPS * n * gh];
            float[] hT = new float[(STEPS + 1) * n * h];
            float[] cT = new float[(STEPS + 1) * n * h];
            float[] up = new float[h * gh];
            for (int s = 0; s < STEPS; s++) {
                sk.inferStep(cell, hT, s * n, n, h, p, u, bhn, hu, z, cT, (s + 1) * n * h,
                        s == 0, up);
            }
            results[k++] = KernelContractTest.concat(z, hu, hT, cT);
        }
        assertArrayEquals(results[1], results[0],
                cell + " h=" + h + " n=" + n + (special ? " with ±0, NaN" : ""));
    }

    private static float[] values(int size, Rng rng, boolean special, float scale) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = special && rng.nextInt(16) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)]
                    : (float) ((2 * rng.nextDouble() - 1) * scale);
        }
        return a;
    }
}
