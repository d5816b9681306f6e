package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Adam;
import dev.nnc.runtime.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training step in the steady state allocates nothing: after warm-up, the forward pass, the
 * loss, the backward pass (the recurrent layers' steps and their products included) and the
 * optimizer's update reuse the buffers of the model, the optimizer and the kernel context (its
 * matrix products' packing panels, the recurrent weights packed once per pass), on the calling
 * thread and on the context's worker threads. Measured with the JVM's per-thread allocation
 * counter over 20 steps of a batch of 64 on the Fashion-MNIST benchmarks' shapes.
 *
 * <p>The bound is 32 bytes a step (640 over a window), not zero: the counters move by up to 168
 * bytes over a window where the step allocates nothing (the reads themselves: the worker
 * threads' counters come back in an array the management bean allocates on the caller). The
 * smallest object a step used to make, the 64-byte record of a recurrent backward pass, is
 * caught (1,296 bytes over a window), and any buffer of a step (a row of a batch, ≥ 256 bytes)
 * is too.
 *
 * <p>Run once with the plain-Java kernels (the default test run) and once with the Vector API
 * kernels, each model in a JVM of its own (executions of their own in the module's pom): on
 * JDK 17, once C2 has compiled the Vector API kernels for one model's shapes, a model trained
 * after it in the same JVM may run them with vectors boxed on the heap, megabytes a step, which
 * is the JIT's doing and not the step's (a recurrent model measured after a dense one allocated
 * 5.5 MB a step, the same model alone 8 bytes).
 */
class TrainingAllocationTest {
    private static final int BATCH = 64;
    private static final int WARMUP = 40;
    private static final int STEPS = 20;
    /**
     * Windows of STEPS measured at most, until one is within the bound: on a loaded machine C2
     * took 21 windows (of the MLP on 2 threads) to compile the last kernel a step runs, until
     * which its vectors are objects on the heap.
     */
    private static final int WINDOWS = 60;
    /** Bytes a step may allocate on all threads together (see the class comment). */
    private static final long PER_STEP = 32;

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @CsvSource({
        "mlp, 1", "mlp, 2", "lstm, 1", "lstm, 2", "gru, 1", "gru, 2", "conv, 1", "conv, 2",
    })
    void aSteadyTrainingStepAllocatesNothing(String kind, int threads) {
        String only = System.getProperty("nnc.test.allocation.kind");
        assumeTrue(only == null || only.equals(kind), "this JVM measures " + only);
        TrainableModel m = Models.load("model A {\n " + body(kind)
                + "\n loss cross_entropy\n optimizer adam(lr: 0.001)\n seed 3\n"
                + " train { epochs: 1, batch: 64 }\n}\n");
        m.initParams(new Rng(3));
        float[] x = new float[BATCH * m.inputSize()];
        float[] y = new float[BATCH * m.outputSize()];
        Rng r = new Rng(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < BATCH; i++) {
            y[i * m.outputSize() + i % m.outputSize()] = 1f;
        }
        Optimizer opt = new Adam(0.001, 0.9, 0.999, 1e-8);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (KernelContext k = KernelContext.open(threads)) {
            KernelContext.Binding bound = k.bind();
            try {
                measure(kind, threads, m, opt, x, y, mx);
            } finally {
                bound.close();
            }
        }
    }

    /** Warms up, then measures windows of STEPS until one is within the bound, or fails. */
    private static void measure(String kind, int threads, TrainableModel m, Optimizer opt,
            float[] x, float[] y, com.sun.management.ThreadMXBean mx) {
        for (int s = 0; s < WARMUP; s++) {
            step(m, opt, x, y);
        }
        long[] workers = workerIds();
        long self = Thread.currentThread().getId();
        String what = "";
        long total = Long.MAX_VALUE;
        // windows of STEPS until the JIT has compiled the step (the Vector API's vectors
        // are objects until C2 compiles the kernels that use them)
        for (int w = 0; w < WINDOWS && total > PER_STEP * STEPS; w++) {
            long before = mx.getThreadAllocatedBytes(self);
            long beforeWorkers = sum(mx.getThreadAllocatedBytes(workers));
            for (int s = 0; s < STEPS; s++) {
                step(m, opt, x, y);
            }
            long caller = mx.getThreadAllocatedBytes(self) - before;
            long pool = sum(mx.getThreadAllocatedBytes(workers)) - beforeWorkers;
            total = caller + pool;
            what = String.format("%s at %d thread(s) on the %s kernels: %d bytes on the "
                    + "caller, %d on %d worker(s) over %d steps, window %d", kind, threads,
                    Kernels.name(), caller, pool, workers.length, STEPS, w + 1);
            System.out.println(what);
        }
        assertTrue(total <= PER_STEP * STEPS, what);
    }

    private static String body(String kind) {
        return switch (kind) {
            case "mlp" -> "input [784]\n dense(128) -> relu\n dense(64) -> relu\n"
                    + " dense(10) -> softmax";
            case "lstm" -> "input [28, 28]\n lstm(64)\n dense(10) -> softmax";
            case "gru" -> "input [28, 28]\n gru(64)\n dense(10) -> softmax";
            case "conv" -> "input [1, 16, 16]\n conv2d(6, 5, padding: 2) -> relu\n maxpool(2)\n"
                    + " conv2d(16, 5) -> relu\n maxpool(2)\n flatten\n dense(10) -> softmax";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static void step(TrainableModel m, Optimizer opt, float[] x, float[] y) {
        m.trainStep(x, y, BATCH);
        opt.step(m.params(), m.grads());
    }

    /** The ids of the kernel context's worker threads (named {@code nnc-kernel-i}), if started. */
    private static long[] workerIds() {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("nnc-kernel-")) {
                ids.add(t.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += Math.max(0, x);
        }
        return s;
    }
}
