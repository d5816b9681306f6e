package dev.nnc.runtime.kernels;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DenseReference#dense}, the one definition of a dense product's bits (the standalone
 * classes' dense and recurrent layers run it; the kernels are held to it by
 * {@code KernelContractTest}): each output its bias (or 0), then a fused multiply-add of each
 * product in ascending k, whatever passes the loops take.
 */
class DenseReferenceTest {
    @Test
    void denseIsTheSumValueByValue() {
        // every way in splits into passes of six, four and one k; out around the vector widths
        int[] ins = {1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 28, 64};
        int[] outs = {1, 5, 16, 17, 192, 256};
        for (int in : ins) {
            for (int out : outs) {
                for (boolean bias : new boolean[] {true, false}) {
                    Random r = new Random(in * 1000 + out * 2 + (bias ? 1 : 0));
                    int rows = 4;
                    float[] x = CellReferenceTest.values(r, rows * in);
                    float[] p = CellReferenceTest.values(r, in * out + out + 3);
                    float[][] w = DenseReference.rows(p, 3, in, out);
                    float[] b = bias ? DenseReference.bias(p, 3 + in * out, out) : null;
                    float[] want = CellReferenceTest.values(r, rows * out);
                    float[] got = want.clone();
                    // rows 1 and 2 only: the others stay as they were
                    for (int i = 1; i < 3; i++) {
                        for (int j = 0; j < out; j++) {
                            float sum = bias ? b[j] : 0f;
                            for (int k = 0; k < in; k++) {
                                sum = Math.fma(x[i * in + k], w[k][j], sum);
                            }
                            want[i * out + j] = sum;
                        }
                    }
                    DenseReference.dense(x, 1, 3, in, w, b, out, got, new float[out]);
                    CellReferenceTest.bits(want, got,
                            "dense " + in + " → " + out + ", bias " + bias);
                }
            }
        }
    }
}
