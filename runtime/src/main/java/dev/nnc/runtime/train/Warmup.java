package dev.nnc.runtime.train;

import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import java.util.function.Supplier;

/**
 * Trains a throw-away copy of a model on synthetic batches, on a thread of its own, while a run
 * loads its data and measures its initial model's loss: by the run's first step the JIT has
 * compiled (or is compiling) the kernels and the step at the run's batch size, instead of running
 * them unoptimized during the first epoch. While the data loads, every {@link #EVAL_EVERY} steps
 * the copy also evaluates a chunk of samples of the size the run's evaluations take, so that the
 * measurements (the initial loss, those after each epoch) find their kernels compiled too.
 *
 * <p>Example ({@code nnc train} does this):
 * <pre>{@code
 * try (Warmup w = Warmup.start(() -> newInstanceOfTheModel())) {
 *     Training.run(model, dir, opts.withListener(TrainingListener.both(listener, w)));
 * }
 * }</pre>
 *
 * <p>The warm-up ends when the trainer starts ({@link #onStart}, after the data is loaded and
 * the initial loss measured, before the first step), waiting for the synthetic step under way,
 * or after {@link #MAX_STEPS} steps (and the time it was started with), or at {@link #close}. It
 * may start before the run's model is compiled: {@code nnc train} starts one with the class its
 * class cache loaded for the file last time, while it parses, checks and generates the model (see
 * {@code TrainCommand}), so that a small model's step is compiled by the JIT when the run starts
 * and a larger model's copy has taken more of its slow first steps. It never overlaps the run's
 * training: it only uses a core that the compiling, the loading and
 * the first, cold evaluation leave idle. It works on its
 * own model instance, optimizer, kernel context and buffers, and never touches the run's model,
 * random generators or data, so the run trains to the same bits with or without it
 * ({@code WarmupTest}). Any failure of the copy ends the warm-up quietly: it is an optimization,
 * never a cause of a failed run.
 *
 * <p>NOTE: why. The vector kernels (jdk.incubator.vector) run with their vectors boxed, 10 to 100
 * times slower than compiled, until the optimizing JIT (C2) has compiled them: the interpreter and
 * the first JIT tier do not turn Vector API calls into instructions. On fmnist_mlp the first 100
 * steps took about 15 times the CPU time of 100 steady steps and allocated 2 GB of boxed vectors
 * (thread CPU time and allocated bytes); the data (unzipping and parsing) loads on one core, and
 * on the other the copy's steps get the same methods compiled at the same batch size. A small
 * data set (shapes.nn: 5000 images of 28×28) loads before the copy's first, interpreted step is
 * done; going on while the trainer measures the initial loss (1024 samples, as cold), it took 8
 * to 10 steps before the first real one on a busy 2-core machine, where it had taken 1 (and the
 * trainer waited for it).
 *
 * <p>NOTE: two other forms were measured against this one and not kept: shapes.nn, 10 epochs,
 * one thread, runs alternating on a 2-core machine that other jobs kept at a load of 8 to 16;
 * medians, CPU time of the trainer's thread in the first epoch's steps (steady: about 0.15 s).
 * (1) With one thread, the copy going on beside the first epoch until its last step: the same
 * CPU time (0.45 s against 0.44), the second epoch's less (0.23 against 0.27), but the first
 * epoch's wall time was 3.2 s instead of 2.6 (6 runs each): on a loaded machine the copy takes
 * its core from the trainer. (2) Seven steps of one sample after each full one, so that the
 * methods a step calls once (the model's step, the kernels that loop over the batch, the
 * optimizer) reach the optimizing JIT's threshold (some 600 calls profiled by the first tier)
 * sooner: the second epoch's CPU time fell (0.24 s against 0.29) but the first epoch's doubled
 * (1.34 s against 0.62, 8 runs each; 1.2 to 1.8 s in 5 of the 8); the cause was not found (in a
 * logged run no method of nnc compiled by C2 was made not entrant). The weights were the same
 * bits in every run of the three forms.
 *
 * <p>NOTE: where fmnist_mlp's first epoch goes (Fashion-MNIST, 938 steps of 64 an epoch; one
 * thread; 2-core AMD EPYC at loads of 2 to 5 from other jobs; thread CPU time per step and
 * -XX:+PrintCompilation, JFR's jdk.Deoptimization). A steady epoch's steps take about 0.40 s of
 * the trainer's CPU time, the first's 0.6 to 0.9 s. Started after the model is compiled, the copy
 * took 5 to 117 steps (median about 20) before the run's first (its first steps interpreted,
 * beside the data's loading and the JIT's threads) and no evaluation (the data had loaded before
 * its eighth step).
 * Of the first epoch's excess, about 0.26 s is in its first 300 steps: the optimizing JIT
 * installs the kernels (VectorGemmMicro, VectorDense, VectorRelu) between the run's steps 0 and
 * 250 and the model's step after 420 to 940 steps; about 0.085 s is in steps 600 to 700, where
 * VectorAdam decides its path for subnormal moments and the JIT drops and recompiles its code
 * (unstable_if in VectorAdam.steps and adam, class_check in VectorSupport.store and blend).
 * The copy now settles that decision before the run ({@link Kernels#settleAdam}, after each of
 * its steps until done): where it chooses the plain expression (the AMD EPYC), the run's Adam
 * steps take one path from its first step. Of the
 * JIT's 2.8 s of optimizing compiles in a run, about 0.8 s went to the Vector API's own methods
 * compiled on their own (jdk.incubator.vector, VectorSupport: 150 of them, called from the first
 * tier's code), before those of the kernels; delaying them (CompileThresholdScaling 10 for those
 * packages) made the first epoch's steps slower (trainer CPU 0.80 to 1.15 s against 0.70 to 0.93,
 * 4 alternating runs each). Started before the model is compiled (the class cache's guess), the
 * copy took 14 to 688 steps (median about 90) and the first epochs were shorter: at one thread
 * 12 alternating pairs, samples/s median 112.8k against 102.6k (first epoch 0.90-1.93 s against
 * 0.90-2.62 s, the trainer's CPU time in its steps median 0.74 s against 0.76); at two threads 6
 * pairs, 91.3k against 82.5k (first epoch median 1.67 s against 1.92), better in 5 of them.
 * The same, nnc's jar with the early start against the one before it (12 alternating pairs at
 * each thread count, loads 2.4 to 4.8): one thread 121.5k against 105.0k (better in 10 pairs;
 * first epoch median 1.18 s against 1.52), two threads 113.4k against 97.6k (8 pairs; 1.23 s
 * against 1.41). The weights were the same bits in every run.
 */
public final class Warmup implements TrainingListener, AutoCloseable {
    /**
     * Synthetic steps after which the warm-up ends by itself (compilation is long done), once it
     * has also run for the time it was started with ({@link #start(Supplier, long, int)}).
     */
    static final int MAX_STEPS = 1000;
    /**
     * A time the JIT takes to compile a small model's step on a busy 2-core machine (where the
     * thousand steps of such a model take a few milliseconds): each optimizing compile of a
     * method of the step of bench/models/sine_mlp.nn took 30 to 250 ms at a load of 6 to 10, one
     * after the other (-XX:+LogCompilation).
     */
    public static final long COMPILE_NANOS = 2_000_000_000L;
    /**
     * One evaluation of a chunk of samples (the path of the run's evaluations: the initial
     * model's loss and the measures after each epoch) per this many steps, the first after half
     * as many.
     */
    static final int EVAL_EVERY = 16;
    /**
     * Models of at most this many parameters are small: their warm-up's steps go through the
     * trainer's step ({@link BatchStep}). NOTE: measured on bench/models/sine_mlp.nn (49
     * parameters); on shapes.nn and fmnist_mlp (19,941 and 109,386) it was not shown to pay
     * (together with an early start, first epochs 0.75 to 1.0 times as fast in alternating runs
     * at loads of 14 to 21), and a larger model's step inlined early into the trainer's might
     * keep vector kernels that were not yet compiled out of line, so those step the model
     * directly. {@code nnc train} starts every model's warm-up before the model is compiled when
     * the class cache guesses its class (see the class comment's NOTE on fmnist_mlp, at loads of
     * 2 to 5).
     */
    public static final int SMALL_PARAMS = 4096;
    /**
     * Pairs of synthetic blocks of parameters the Adam kernel times at a call, up to {@link
     * #SETTLE_CALLS} calls after each of the copy's steps, until it has settled what it would
     * otherwise measure during the run ({@link Kernels#settleAdam}; 256 pairs, about a
     * millisecond once compiled, so two of the copy's steps: fmnist_mlp's copy took 3 to 44
     * before the run's first in the runs measured then). Small calls, so that the run's start
     * waits for at most one of them ({@link #close}).
     */
    static final int SETTLE_PAIRS = 32;
    static final int SETTLE_CALLS = 4;
    /** Models with more parameters than this get no copy (the memory it would take). */
    static final int MAX_PARAMS = 1 << 24;

    private final Thread thread;
    private final long minNanos;
    /** The run's thread count, whose code the copy's kernels run on the copy's thread. */
    private final int threads;
    private volatile boolean stop;
    private volatile int steps;
    private volatile int evaluations;
    /** Whether the run is still loading its data (after that, it evaluates cold itself). */
    private volatile boolean loading = true;

    private Warmup(Supplier<? extends TrainableModel> copy, long minNanos, int threads) {
        this.minNanos = minNanos;
        this.threads = threads;
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
        return new Warmup(copy, 0, 1);
    }

    /**
     * {@link #start(Supplier)} for a run at {@code threads} threads, going on for at least
     * {@code minNanos} (unless ended) before {@link #MAX_STEPS} end it: for a warm-up started
     * long before the run (a few thousand steps of a small model end before its step is
     * compiled; compilations queued for methods then no longer called are dropped). The copy's
     * kernels run the code of {@code threads} threads on the copy's one ({@link
     * KernelContext#rehearsal}), so that the JIT compiles the paths the run takes, split and
     * whole, before it starts.
     *
     * <p>NOTE: with the copy at one thread, a 2-thread run met the split products' paths (the
     * parts, the worker pool's) first in its own steps: the JIT compiled them then, and dropped
     * and compiled again the code it had compiled for one way, on the run's cores.
     *
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public static Warmup start(Supplier<? extends TrainableModel> copy, long minNanos,
            int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads < 1: " + threads);
        }
        return new Warmup(copy, minNanos, threads);
    }

    /** A warm-up that does nothing (e.g. when turned off). */
    public static Warmup none() {
        return new Warmup(null, 0, 1);
    }

    /** The synthetic steps taken so far. */
    public int steps() {
        return steps;
    }

    /** The evaluations of a chunk taken so far. */
    public int evaluations() {
        return evaluations;
    }

    /** Whether the warm-up's thread has ended (or there was none). */
    public boolean ended() {
        return thread == null || !thread.isAlive();
    }

    private void run(Supplier<? extends TrainableModel> copy) {
        try (KernelContext k = KernelContext.rehearsal(threads)) {
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
        // NOTE: a small model's steps go through the trainer's own step (BatchStep: the batch
        // gathered, the model's step, clipping, the optimizer), so that the JIT compiles that
        // method too, with the model's step inlined into it, before the run's first step: the
        // run calls it from its loop over the batches, which the JIT does not compile in a short
        // run.
        boolean small = m.params().length <= SMALL_PARAMS;
        float[] params = m.params();
        float[] grads = m.grads();
        int[] order = new int[batch];
        for (int i = 0; i < batch; i++) {
            order[i] = i;
        }
        BatchStep step = new BatchStep(m, optimizer, spec.train(),
                new Dataset(x, y, batch, in, out), null, batch, batch, order, new int[batch],
                new float[batch * in], new float[batch * out], m.classWeights(), false);
        // The evaluation between epochs: its chunks, at least as large as TrainingLoop's
        int chunk = Math.max(batch, TrainingLoop.MIN_EVAL_CHUNK);
        float[] xe = null;
        float[] ye = null;
        float[] oe = null;
        // an Adam run: what the optimizer's kernel would otherwise decide while the run trains
        // is settled here (see Kernels#settleAdam)
        boolean settled = !spec.optimizer().name().startsWith("adam");
        long start = System.nanoTime();
        while (!stop && (steps < MAX_STEPS || System.nanoTime() - start < minNanos)) {
            if (small) {
                step.step(1, 0);
            } else {
                m.trainStep(x, y, batch);
                optimizer.step(params, grads);
            }
            steps++;
            for (int c = 0; c < SETTLE_CALLS && !settled && !stop; c++) {
                settled = Kernels.settleAdam(SETTLE_PAIRS);
            }
            if (steps % EVAL_EVERY == EVAL_EVERY / 2 && loading && !stop) {
                if (xe == null) {
                    xe = new float[chunk * in];
                    ye = new float[chunk * out];
                    oe = new float[chunk * out];
                    for (int i = 0; i < chunk; i++) {
                        System.arraycopy(x, i % batch * in, xe, i * in, in);
                        System.arraycopy(y, i % batch * out, ye, i * out, out);
                    }
                }
                m.evaluate(xe, ye, chunk, oe);
                evaluations++;
            }
        }
    }

    /**
     * The data is loaded: the copy takes no more evaluations, as the trainer now measures the
     * initial model's loss, on the evaluation path, while the copy goes on training.
     */
    @Override
    public void onData(Dataset train, Dataset validation) {
        loading = false;
    }

    /**
     * Ends the warm-up: the trainer is about to take its first step (it has loaded the data and
     * measured the initial model's loss).
     */
    @Override
    public void onStart(TrainInfo info) {
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
