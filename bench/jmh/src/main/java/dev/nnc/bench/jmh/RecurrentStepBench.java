package dev.nnc.bench.jmh;

import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.kernels.SequenceKernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One recurrent layer's steps over a batch, as a training step runs them on one thread: the
 * forward pass ({@code forward}: 28 steps of h₋·U and the cell) and the backward pass
 * ({@code backward}: 28 steps of the cell backward and dZ·Uᵀ), batch 64, 64 units, the
 * Fashion-MNIST benchmarks' shapes (64 × 64 × 256 products for the LSTM, × 192 for the GRU),
 * under a bound kernel context as in training ({@code context = bound}: U and Uᵀ packed once per
 * pass, the panels kept from call to call) or with none ({@code none}: each step's product packs
 * U or Uᵀ into panels it allocates, as every product did before the context kept them).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecurrentStepBench {
    private static final int N = 64;
    private static final int H = 64;
    private static final int T = 28;

    @Param({"LSTM", "GRU"})
    public String cell;

    /** {@code bound}: a kernel context of one thread bound, as in training; {@code none}. */
    @Param({"bound", "none"})
    public String context;

    private final SequenceKernels kernels = SequenceKernels.get();
    private SequenceKernels.Cell c;
    private KernelContext kernels1;
    private KernelContext.Binding binding;
    private float[] p;
    private int bhn;
    private float[] zx0;
    private float[] zx;
    private float[] hu;
    private float[] hT;
    private float[] cT;
    private float[] gout;
    private SequenceKernels.Backward steps;

    @Setup
    public void setUp() {
        if (Kernels.name().equals("scalar")) {
            throw new IllegalStateException("the Vector API kernels are not in use: run the JVM"
                    + " with --add-modules jdk.incubator.vector");
        }
        c = SequenceKernels.Cell.valueOf(cell);
        int gh = c.gates() * H;
        Random r = new Random(1);
        bhn = H * gh;
        p = fill(new float[bhn + H], r, 0.125f);
        zx0 = fill(new float[T * N * gh], r, 1f);
        zx = zx0.clone();
        hu = new float[T * N * gh];
        hT = new float[(T + 1) * N * H];
        cT = new float[(T + 1) * N * H];
        gout = fill(new float[N * H], r, 1f);
        float[] ut = new float[H * gh];
        SequenceKernels.transpose(p, 0, H, gh, ut);
        boolean gru = c == SequenceKernels.Cell.GRU;
        if (context.equals("bound")) {
            kernels1 = KernelContext.open(1);
            binding = kernels1.bind();
        }
        steps = SequenceKernels.Backward.of(c, H, zx, gru ? hu : null, hT, gru ? null : cT,
                new float[(T + 1) * N * H], gru ? null : new float[N * H],
                new float[T * N * gh], gru ? new float[T * N * gh] : null,
                gru ? new float[N * H] : null, ut);
        forward();
    }

    @TearDown
    public void tearDown() {
        if (binding != null) {
            binding.close();
            kernels1.close();
        }
    }

    private static float[] fill(float[] a, Random r, float scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (r.nextFloat() - 0.5f) * scale;
        }
        return a;
    }

    @Benchmark
    public float[] forward() {
        // the gate inputs afresh: a step overwrites them with the gate values
        System.arraycopy(zx0, 0, zx, 0, zx.length);
        for (int s = 0; s < T; s++) {
            kernels.forwardStep(c, hT, s * N, N, H, p, 0, bhn, hu, zx, cT, (s + 1) * N * H,
                    s == 0);
        }
        return hT;
    }

    @Benchmark
    public float[] backward() {
        for (int s = T - 1; s >= 0; s--) {
            kernels.backwardStep(steps, s * N, N, (s + 1) * N * H, (s + 1) * N, s == T - 1,
                    gout, 0, H, s == T - 1, s == 0);
        }
        return steps.dz();
    }
}
