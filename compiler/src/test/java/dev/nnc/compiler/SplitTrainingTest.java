package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.train.TrainReport;
import dev.nnc.runtime.train.TrainingLoop;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Training an MLP with Adam gives the same weights, bit for bit, on 1, 2 and 3 threads and
 * whatever the number of parts each product and each optimizer step is cut into: the first
 * layer's products (64 × 200 × 128, 1.6M multiply-adds) and the Adam step (34k parameters) are
 * split across the threads, the last batch of each epoch (44 rows) is not a whole number of the
 * kernels' row blocks, and the parts are claimed by whichever thread comes first.
 */
class SplitTrainingTest {
    private static final String MODEL = "model S {\n input [200]\n dense(128) -> relu\n"
            + " dense(64) -> relu\n dense(4) -> softmax\n loss cross_entropy\n"
            + " optimizer adam(lr: 0.001)\n seed 5\n"
            + " train { epochs: 2, batch: 64, shuffle: true }\n}\n";

    @Test
    void weightsDoNotDependOnTheThreadOrPartCount() {
        Compilation c = Models.compile(MODEL);
        Map<String, byte[]> classes = InMemoryJavac.compileAll(
                Map.of(c.className(), c.javaSource())).classes();
        Supplier<TrainableModel> source = () -> InMemoryJavac.instantiate(c.className(), classes);
        float[] serial = train(source, 1, 1);
        int[][] runs = {{2, 1}, {2, 4}, {2, 7}, {3, 3}, {3, 8}};
        for (int[] r : runs) {
            assertArrayEquals(serial, train(source, r[0], r[1]),
                    r[0] + " threads, " + r[1] + " parts per thread");
        }
    }

    private static float[] train(Supplier<TrainableModel> source, int threads, int perThread) {
        TrainableModel m = source.get();
        m.initParams(new Rng(m.spec().seed()));
        Dataset data = data(m, 300);
        try (KernelContext k = KernelContext.open(threads, perThread)) {
            TrainReport report = new TrainingLoop(m, Optimizers.create(m.spec().optimizer()),
                    m.spec().train(), new Rng(7)).kernels(k).train(data, null);
            assertEquals(2, report.epochs());
        }
        return m.params().clone();
    }

    /** {@code n} random inputs in [0, 1), a tenth of them 0, with one-hot targets of four classes. */
    private static Dataset data(TrainableModel m, int n) {
        Rng rng = new Rng(3);
        int in = m.inputSize();
        int out = m.outputSize();
        float[] x = new float[n * in];
        float[] y = new float[n * out];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(10) == 0 ? 0f : (float) rng.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i * out + rng.nextInt(out)] = 1f;
        }
        return new Dataset(x, y, n, in, out);
    }
}
