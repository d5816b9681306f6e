package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import java.util.function.Supplier;

/**
 * Trains a throw-away copy of a model on synthetic batches, on a thread of its own, while a run
 * loads its data: by the run's first step the JIT has compiled the kernels and the step at the
 * run's batch size, instead of running them unoptimized during the first epoch.
 *
 * <p>Example ({@code nnc train} does this):
 * <pre>{@code
 * try (Warmup w = Warmup.start(() -> newInstanceOfTheModel())) {
 *     Training.run(model, dir, opts.withListener(TrainingListener.both(listener, w)));
 * }
 * }</pre>
 *
 * <p>The warm-up ends when the trainer starts ({@link #onData}, its first call, after the data is
 * loaded and before the first step), waiting for the synthetic step under way, or after
 * {@link #MAX_STEPS} steps, or at {@link #close}. It never overlaps the run's training: it only
 * uses a core the loading leaves idle. It works on its own model instance, optimizer, kernel
 * context and buffers, and never touches the run's model, random generators or data, so the run
 * trains to the same bits with or without it ({@code WarmupTest}). Any failure of the copy ends
 * the warm-up quietly: it is an optimization, never a cause of a failed run.
 *
 * <p>NOTE: why. The vector kernels (jdk.incubator.vector) run with their vectors boxed, 10 to 100
 * times slower than compiled, until the optimizing JIT (C2) has compiled them: the interpreter and
 * the first JIT tier do not turn Vector API calls into instructions. On fmnist_mlp the first 100
 * steps took about 15 times the CPU time of 100 steady steps and allocated 2 GB of boxed vectors
 * (thread CPU time and allocated bytes); the data (unzipping and parsing) loads on one core, and
 * on the other the copy's steps get the same methods compiled at the same batch size. With the
 * launcher's threshold for the kernels, the first 100 steps took 0.4–0.6 of the CPU time without
 * the warm-up, after only 3 to 6 synthetic steps on a busy 2-core machine.
 */
public final class Warmup implements TrainingListener, AutoCloseable {
    /** Synthetic steps after which the warm-up ends by itself (compilation is long done). */
    static final int MAX_STEPS = 1000;
    /** Models with more parameters than this get no copy (the memory it would take). */
    static final int MAX_PARAMS = 1 << 24;

    private final Thread thread;
    private volatile boolean stop;
    private volatile int steps;

    private Warmup(Supplier<? extends TrainableModel> copy) {
        thread = copy == null ? null : new Thread(() -> run(copy), "nnc-warmup");
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Starts warming up with a new instance of the model from {@code copy} (called on the
     * warm-up's thread, never the one the run trains): the same class, spec and batch size as
     * the run's model, not the run's instance.
     */
    public static Warmup start(Supplier<? extends TrainableModel> copy) {
        return new Warmup(copy);
    }

    /** A warm-up that does nothing (e.g. when turned off). */
    public static Warmup none() {
        return new Warmup(null);
    }

    /** The synthetic steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Whether the warm-up's thread has ended (or there was none). */
    public boolean ended() {
        return thread == null || !thread.isAlive();
    }

    private void run(Supplier<? extends TrainableModel> copy) {
        try (KernelContext k = KernelContext.open(1)) {
            KernelContext.Binding binding = k.bind();
            try {
                steps(copy.get());
            } finally {
                binding.close();
            }
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            // NOTE: the run goes on as it would without a warm-up
        }
    }

    private void steps(TrainableModel m) {
        ModelSpec spec = m.spec();
        int batch = spec.train().batch();
        if (stop || batch <= 0 || m.params().length > MAX_PARAMS) {
            return;
        }
        int in = m.inputSize();
        int out = m.outputSize();
        float[] x = new float[batch * in];
        float[] y = new float[batch * out];
        Rng rng = new Rng(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < batch; i++) {
            // a one-hot target, also a valid regression target
            y[i * out + i % out] = 1f;
        }
        m.initParams(rng);
        Optimizer optimizer = Optimizers.create(spec.optimizer());
        float[] params = m.params();
        float[] grads = m.grads();
        while (!stop && steps < MAX_STEPS) {
            m.trainStep(x, y, batch);
            optimizer.step(params, grads);
            steps++;
        }
    }

    /** Ends the warm-up: the trainer is about to take its first step. */
    @Override
    public void onData(Dataset train, Dataset validation) {
        close();
    }

    /** Ends the warm-up and waits for its thread (at most its step under way). */
    @Override
    public void close() {
        stop = true;
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
