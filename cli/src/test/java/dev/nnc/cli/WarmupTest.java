package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Training;
import dev.nnc.runtime.train.TrainingListener;
import dev.nnc.runtime.train.Warmup;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JIT warm-up of {@code nnc train}: a copy of the model trained on synthetic batches before
 * the run's first step leaves the run's weights bit for bit as they are without it, and has ended
 * when the first step comes.
 */
class WarmupTest {
    /** A convolution and dense layers large enough for the kernels, trained with Adam. */
    private static final String SRC = "model Warm {\n input [1, 12, 12]\n"
            + " conv2d(8, 3) -> relu\n maxpool(2)\n flatten\n dense(64) -> relu\n"
            + " dense(3) -> softmax\n loss cross_entropy\n optimizer adam(lr: 0.01)\n seed 5\n"
            + " train { epochs: 3, batch: 16, shuffle: true }\n}\n";

    @TempDir
    Path dir;

    private static Dataset data() {
        Rng r = new Rng(8);
        int n = 120;
        float[] x = new float[n * 144];
        float[] y = new float[n * 3];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            for (int j = 0; j < 144; j++) {
                x[i * 144 + j] = (float) r.nextDouble() + (j % 3 == c ? 1 : 0);
            }
            y[i * 3 + c] = 1;
        }
        return new Dataset(x, y, n, 144, 3);
    }

    private static TrainableModel copy(Class<? extends TrainableModel> cls) {
        try {
            return cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWarmedUpRunTrainsToTheSameBitsAndTheWarmupEndsFirst() throws Exception {
        warmedUpRun(1);
    }

    /** A 2-thread run, its warm-up rehearsing the code of two threads on its one. */
    @Test
    void aWarmupAtTwoThreadsLeavesTheBitsAsTheyAreToo() throws Exception {
        warmedUpRun(2);
    }

    private void warmedUpRun(int threads) throws Exception {
        Compilation c = NnCompiler.compile(new SourceFile(dir.resolve("warm.nn"), "warm.nn",
                SRC), NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel plain = InMemoryJavac.load(c);
        Class<? extends TrainableModel> cls = plain.getClass();
        Training.run(plain, null, Training.Options.defaults().withData(data(), null));

        TrainableModel warmed = copy(cls);
        Warmup w = threads == 1 ? Warmup.start(() -> copy(cls))
                : Warmup.start(() -> copy(cls), 0, threads);
        // NOTE: the data here is in memory: the test waits for synthetic steps that a run
        // gets while its data loads
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (w.steps() < 20 && !w.ended() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(w.steps() >= 20, "synthetic steps: " + w.steps());
        assertTrue(w.evaluations() >= 1, "evaluations: " + w.evaluations());
        AtomicBoolean endedFirst = new AtomicBoolean();
        TrainingListener watch = new TrainingListener() {
            @Override
            public void onStart(dev.nnc.runtime.train.TrainInfo info) {
                endedFirst.set(w.ended());
            }
        };
        Training.run(warmed, null, Training.Options.defaults().withData(data(), null)
                .withThreads(threads).withListener(TrainingListener.both(w, watch)));
        assertTrue(endedFirst.get(), "the warm-up still ran at the first step");
        int steps = w.steps();
        Thread.sleep(50);
        assertEquals(steps, w.steps(), "steps after the end");
        float[] a = plain.params();
        float[] b = warmed.params();
        assertEquals(a.length, b.length);
        int[] ab = new int[a.length];
        int[] bb = new int[b.length];
        for (int i = 0; i < a.length; i++) {
            ab[i] = Float.floatToRawIntBits(a[i]);
            bb[i] = Float.floatToRawIntBits(b[i]);
        }
        assertArrayEquals(ab, bb, "trained weights with and without the warm-up");
    }

    @Test
    void aCopyThatFailsEndsTheWarmupQuietly() throws Exception {
        Supplier<TrainableModel> broken = () -> {
            throw new IllegalStateException("no copy");
        };
        Warmup w = Warmup.start(broken);
        w.close();
        assertTrue(w.ended());
        assertEquals(0, w.steps());
        Warmup none = Warmup.none();
        none.close();
        assertTrue(none.ended());
    }
}
