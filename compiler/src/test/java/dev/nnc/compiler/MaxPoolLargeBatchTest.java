package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * A training step of a generated class whose max pooling sees more than 2^24 input values in one
 * batch (a 1×1 convolution, then 2×2 max pooling, over 4,200 images 64×64: 17,203,200 positions)
 * sends each window's gradient to the position of its maximum, and to no other.
 *
 * <p>With the identity convolution (weight 1, bias 0) the pooling's input is the batch itself, so
 * the position of each maximum is known; the test reads the gradient with respect to the
 * pooling's input and its output (the generated class's fields {@code g0} and {@code g1}) and
 * checks every window: the output's gradient at the maximum's position, 0 at the other three.
 */
class MaxPoolLargeBatchTest {
    private static final int N = 4200;
    private static final int SIDE = 64;

    @Test
    void everyGradientReachesItsWindowsMaximumPastTwoToThe24Positions() throws Exception {
        TrainableModel m = Models.load("model Big {\n input [1, " + SIDE + ", " + SIDE + "]\n"
                + " conv2d(1, 1)\n maxpool(2)\n flatten\n dense(1)\n loss mse\n"
                + " optimizer sgd(lr: 0.1)\n seed 3\n}\n");
        float[] p = m.params();
        java.util.Arrays.fill(p, 0f);
        p[m.paramTensors().get(0).offset()] = 1f;
        int dense = m.paramTensors().get(2).offset();
        Rng rng = new Rng(11);
        for (int j = 0; j < SIDE * SIDE / 4; j++) {
            p[dense + j] = (float) (rng.nextDouble() - 0.5);
        }
        int size = SIDE * SIDE;
        float[] x = new float[N * size];
        for (int q = 0; q < x.length; q++) {
            x[q] = (float) rng.nextDouble();
        }
        float[] y = new float[N];
        m.trainStep(x, y, N);
        float[] gIn = field(m, "g0");
        float[] gOut = field(m, "g1");
        int half = SIDE / 2;
        int wrong = 0;
        long firstWrong = -1;
        for (int t = 0; t < N * half * half; t++) {
            int i = t / (half * half);
            int oy = t / half % half;
            int ox = t % half;
            int corner = i * size + 2 * oy * SIDE + 2 * ox;
            int best = corner;
            for (int q : new int[] {corner + 1, corner + SIDE, corner + SIDE + 1}) {
                best = x[q] > x[best] ? q : best;
            }
            for (int q : new int[] {corner, corner + 1, corner + SIDE, corner + SIDE + 1}) {
                float want = q == best ? gOut[t] : 0f;
                if (Float.floatToIntBits(gIn[q]) != Float.floatToIntBits(want)) {
                    wrong++;
                    firstWrong = firstWrong < 0 ? q : firstWrong;
                }
            }
        }
        assertEquals(0, wrong, "input positions with a wrong gradient, the first at "
                + firstWrong + " of " + x.length);
    }

    private static float[] field(TrainableModel m, String name) throws Exception {
        Field f = m.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return (float[]) f.get(m);
    }
}
