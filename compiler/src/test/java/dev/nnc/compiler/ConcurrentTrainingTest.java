package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Training;
import dev.nnc.runtime.train.TrainingListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two trainings in one JVM at the same time, with different thread counts, each give exactly the
 * weights they give alone, and each one's kernels run on its own thread count: the thread count
 * and worker threads belong to a training run ({@code KernelContext}), not to the JVM. The
 * layers are large enough that every product and recurrent step of a batch is split across the
 * threads (dense products of 2M multiply-adds, a convolution of 1.5M, LSTM steps of 1M). And
 * the thread count does not change the weights: 1, 2 and 3 threads train the same bits
 * (convolutions included, at stride 1 and 2, padded, with pooling between them).
 */
class ConcurrentTrainingTest {
    private static final String TAIL = "\n optimizer sgd(lr: 0.05)\n seed 5\n"
            + " train { epochs: 1, batch: 64, shuffle: true }\n}\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "input [128]\n dense(256) -> relu\n dense(4) -> softmax\n loss cross_entropy",
        "input [1, 20, 20]\n conv2d(8, 3) -> relu\n flatten\n dense(4) -> softmax\n"
                + " loss cross_entropy",
        "input [6, 32]\n lstm(64)\n dense(4) -> softmax\n loss cross_entropy",
    })
    void twoTrainingsAtOnceGiveTheBitsTheyGiveAlone(String body) throws Exception {
        Compilation c = Models.compile("model C {\n " + body + TAIL);
        Map<String, byte[]> classes = InMemoryJavac.compileAll(
                Map.of(c.className(), c.javaSource())).classes();
        Supplier<TrainableModel> source = () -> InMemoryJavac.instantiate(c.className(), classes);
        float[] aloneOne = train(source, 1, null, null);
        float[] aloneThree = train(source, 3, null, null);

        CyclicBarrier together = new CyclicBarrier(2);
        Set<Integer> seenByOne = ConcurrentHashMap.newKeySet();
        Set<Integer> seenByThree = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[]> one = pool.submit(() -> train(source, 1, together, seenByOne));
            Future<float[]> three = pool.submit(() -> train(source, 3, together, seenByThree));
            assertArrayEquals(aloneOne, one.get(60, TimeUnit.SECONDS), "1 thread, concurrently");
            assertArrayEquals(aloneThree, three.get(60, TimeUnit.SECONDS),
                    "3 threads, concurrently");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Set.of(1), seenByOne, "the kernels' threads in the 1-thread run");
        assertEquals(Set.of(3), seenByThree, "the kernels' threads in the 3-thread run");
        assertEquals(1, Kernels.threads(), "no context left bound to this thread");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "input [128]\n dense(256) -> relu\n dense(4) -> softmax\n loss cross_entropy",
        "input [1, 20, 20]\n conv2d(8, 3, padding: 1) -> relu\n maxpool(2)\n"
                + " conv2d(16, 4, stride: 2, padding: 1) -> relu\n flatten\n"
                + " dense(4) -> softmax\n loss cross_entropy",
        "input [6, 32]\n lstm(64)\n dense(4) -> softmax\n loss cross_entropy",
    })
    void theThreadCountDoesNotChangeTheWeights(String body) throws Exception {
        Compilation c = Models.compile("model C {\n " + body + TAIL);
        Map<String, byte[]> classes = InMemoryJavac.compileAll(
                Map.of(c.className(), c.javaSource())).classes();
        Supplier<TrainableModel> source = () -> InMemoryJavac.instantiate(c.className(), classes);
        float[] one = train(source, 1, null, null);
        assertArrayEquals(one, train(source, 2, null, null), "2 threads against 1");
        assertArrayEquals(one, train(source, 3, null, null), "3 threads against 1");
    }

    /**
     * Trains a fresh model from {@code source} on {@code threads} threads and returns its
     * parameters. With {@code together}, the run waits at its first batch until the other run
     * is there too, and records the kernels' thread count after every batch into {@code seen}.
     */
    private static float[] train(Supplier<TrainableModel> source, int threads, CyclicBarrier together,
            Set<Integer> seen) throws Exception {
        TrainableModel m = source.get();
        Dataset data = data(m, 320);
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batch, int batches, double loss) {
                if (together == null) {
                    return;
                }
                seen.add(Kernels.threads());
                if (epoch == 1 && batch == 0) {
                    try {
                        together.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the other training did not start", e);
                    }
                }
            }
        };
        Training.RunResult r = Training.run(m, null, Training.Options.defaults()
                .withThreads(threads).withListener(listener).withData(data, null));
        assertEquals(1, r.report().epochs());
        assertTrue(Double.isFinite((Double) r.metrics().get("final_loss")));
        return m.params().clone();
    }

    /** {@code n} random inputs in [0, 1) with one-hot targets of four classes. */
    private static Dataset data(TrainableModel m, int n) {
        Rng rng = new Rng(3);
        int in = m.inputSize();
        int out = m.outputSize();
        float[] x = new float[n * in];
        float[] y = new float[n * out];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < n; i++) {
            y[i * out + rng.nextInt(out)] = 1f;
        }
        return new Dataset(x, y, n, in, out);
    }
}
