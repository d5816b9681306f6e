package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.model.TrainableModel;
import org.junit.jupiter.api.Test;

/**
 * Two steps of rnn, lstm and gru with one unit on hand-set weights, against values computed by
 * hand from the documented equations and gate layout (lstm i, o, f, c; gru z, r, h with the reset
 * after the recurrent product), and the output modes: last step, every step, bidirectional.
 */
class RecurrentStepTest {
    private static final float[][] X = {{0.5f, -1f}, {-0.5f, 0.25f}};

    private static TrainableModel model(String layer) {
        return Models.load("model R {\n input [2,2]\n " + layer
                + "\n loss mse\n optimizer sgd(lr: 0.1)\n}\n");
    }

    private static void set(TrainableModel m, String name, float... values) {
        for (ParamTensor t : m.paramTensors()) {
            if (t.name().equals(name)) {
                assertEquals(t.size(), values.length, name);
                System.arraycopy(values, 0, m.params(), t.offset(), values.length);
                return;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    private static float[] predict(TrainableModel m) {
        float[] x = {X[0][0], X[0][1], X[1][0], X[1][1]};
        float[] out = new float[m.outputSize()];
        m.predict(x, 1, out);
        return out;
    }

    @Test
    void lstmStepsMatchHandComputedValues() {
        TrainableModel m = model("lstm(1, sequence: true)");
        // W [2, 4]: columns i, o, f, c
        set(m, "lstm1.W", 0.1f, 0.2f, 0.3f, 0.4f, -0.2f, 0.1f, 0.5f, -0.3f);
        set(m, "lstm1.U", 0.7f, -0.4f, 0.2f, 0.6f);
        set(m, "lstm1.B", 0.05f, -0.05f, 0.1f, 0f);
        // z = x·W + B = (0.3, −0.05, −0.25, 0.5) at t = 0: c = σ(0.3)·tanh(0.5) = 0.265461,
        // h = σ(−0.05)·tanh(c) = 0.126456
        assertArrayEquals(new float[] {0.12645578f, 0.01788361f}, predict(m), 2e-6f);
    }

    @Test
    void gruStepsMatchHandComputedValues() {
        TrainableModel m = model("gru(1, sequence: true)");
        // W [2, 3]: columns z, r, h
        set(m, "gru1.W", 0.1f, 0.2f, 0.3f, -0.2f, 0.1f, 0.5f);
        set(m, "gru1.U", 0.7f, -0.4f, 0.6f);
        set(m, "gru1.B", 0.05f, -0.05f, 0.1f);
        set(m, "gru1.Bhn", 0.2f);
        // t = 0: z = σ(0.3), r = σ(−0.05), n = tanh(−0.35 + r·0.2), h = (1 − z)·n
        assertArrayEquals(new float[] {-0.06439885f, 0.04816930f}, predict(m), 2e-6f);
    }

    @Test
    void rnnStepsMatchHandComputedValues() {
        TrainableModel m = model("rnn(1, sequence: true)");
        set(m, "rnn1.W", 0.3f, -0.6f);
        set(m, "rnn1.U", 0.9f);
        set(m, "rnn1.B", 0.1f);
        // h0 = tanh(0.15 + 0.6 + 0.1) = tanh(0.85); h1 = tanh(−0.15 − 0.15 + 0.9·h0 + 0.1)
        assertArrayEquals(new float[] {0.69106947f, 0.39858246f}, predict(m), 2e-6f);
    }

    @Test
    void lastStepAndBidirectionalOutputs() {
        TrainableModel last = model("rnn(1)");
        set(last, "rnn1.W", 0.3f, -0.6f);
        set(last, "rnn1.U", 0.9f);
        set(last, "rnn1.B", 0.1f);
        assertArrayEquals(new float[] {0.39858246f}, predict(last), 2e-6f);

        TrainableModel bi = model("rnn(1, bidirectional: true, sequence: true)");
        for (String sfx : new String[] {"", "_rev"}) {
            set(bi, "rnn1.W" + sfx, 0.3f, -0.6f);
            set(bi, "rnn1.U" + sfx, 0.9f);
            set(bi, "rnn1.B" + sfx, 0.1f);
        }
        // the backward direction reads t = 1 first: h'1 = tanh(−0.15 − 0.15 + 0.1),
        // then h'0 = tanh(0.85 + 0.9·h'1); each step's output is [forward, backward]
        double b1 = Math.tanh(-0.2);
        double b0 = Math.tanh(0.85 + 0.9 * b1);
        assertArrayEquals(new float[] {0.69106947f, (float) b0, 0.39858246f, (float) b1},
                predict(bi), 2e-6f);

        TrainableModel biLast = model("rnn(1, bidirectional: true)");
        for (String sfx : new String[] {"", "_rev"}) {
            set(biLast, "rnn1.W" + sfx, 0.3f, -0.6f);
            set(biLast, "rnn1.U" + sfx, 0.9f);
            set(biLast, "rnn1.B" + sfx, 0.1f);
        }
        // each direction's final state: forward after t = 1, backward after t = 0
        assertArrayEquals(new float[] {0.39858246f, (float) b0}, predict(biLast), 2e-6f);
    }
}
