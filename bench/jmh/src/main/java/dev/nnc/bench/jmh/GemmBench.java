package dev.nnc.bench.jmh;

import dev.nnc.runtime.kernels.DenseKernels;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.kernels.Kernels;
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
 * The dense layer's three products on one thread, as training calls them: Z = X·W + B
 * ({@code forward}), dX = dZ·Wᵀ ({@code gradInput}) and dW = Xᵀ·dZ ({@code gradWeights}), for
 * X [m, k] and W [k, n]. Each operation is 2·m·k·n floating-point operations, so GFLOP/s = that ×
 * the operations per second JMH reports / 10⁹ ({@code bench/run-gemm.sh} prints it beside the
 * peer's sgemm_1024). The products run under a bound kernel context of one thread, as in
 * training, which keeps their packed panels from call to call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBench {
    /** m × k × n. */
    @Param({"1024x1024x1024", "64x784x128", "64x128x64"})
    public String shape;

    private final DenseKernels kernels = Kernels.dense();
    private int m;
    private int k;
    private int n;
    private float[] x;
    private float[] p;
    private float[] z;
    private float[] g;
    private float[] gx;
    private float[] gp;
    private KernelContext context;
    private KernelContext.Binding binding;

    @Setup
    public void setUp() {
        if (Kernels.name().equals("scalar")) {
            throw new IllegalStateException("the Vector API kernels are not in use: run the JVM"
                    + " with --add-modules jdk.incubator.vector");
        }
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = Integer.parseInt(s[1]);
        n = Integer.parseInt(s[2]);
        Random r = new Random(1);
        x = fill(new float[m * k], r);
        p = fill(new float[k * n + n], r);
        g = fill(new float[m * n], r);
        z = new float[m * n];
        gx = new float[m * k];
        gp = new float[p.length];
        context = KernelContext.open(1);
        binding = context.bind();
    }

    @TearDown
    public void tearDown() {
        binding.close();
        context.close();
    }

    private static float[] fill(float[] a, Random r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }

    @Benchmark
    public float[] forward() {
        kernels.forward(x, 0, m, k, p, 0, k * n, n, z);
        return z;
    }

    @Benchmark
    public float[] gradInput() {
        kernels.gradInput(g, 0, m, n, p, 0, k, gx);
        return gx;
    }

    @Benchmark
    public float[] gradWeights() {
        kernels.gradWeights(x, m, k, g, n, gp, 0, -1, 0, k);
        return gp;
    }
}
