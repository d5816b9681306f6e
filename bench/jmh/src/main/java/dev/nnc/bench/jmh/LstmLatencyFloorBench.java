package dev.nnc.bench.jmh;

import dev.nnc.runtime.kernels.Kernels;
import dev.nnc.runtime.kernels.SequenceKernels;
import dev.nnc.runtime.kernels.VectorWidth;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the batch-1 latency of the Fashion-MNIST LSTM's layer goes (28 steps of 28 inputs, lstm
 * of 64 units, bench/models/fmnist_lstm.nn), part by part, beside the two floors under it, in one
 * run:
 *
 * <ul>
 *   <li>{@code layer}: the layer as the model class runs it at batch 1 (the input products of the
 *       28 steps, then the 28 inference steps, the first one packing U);
 *   <li>{@code inputProducts}: X·W + B, 28 × 28 × 256 ({@code DenseKernels.infer});
 *   <li>{@code steps}: the 28 inference steps alone ({@code SequenceKernels.inferStep}: 27
 *       products h₋·U of 64 × 256, U packed at the first step, and the cell);
 *   <li>{@code cells}: the cell's element-wise steps alone (σ, tanh, the state), 28 of them;
 *   <li>{@code streamU}: U (64 KiB, more than L1 holds) read 27 times ({@link FloatRead}): the
 *       time the recurrent products need at least to bring U from L2, one multiply-add per float
 *       read;
 *   <li>{@code arithmetic}: as many vector multiply-adds as the layer's products do (12,544 for
 *       the input products and 27,648 for the recurrent ones at 512 bits) in twelve independent
 *       chains on registers: the time the products need at least to compute.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar LstmLatencyFloorBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LstmLatencyFloorBench {
    /** The kernels' own width: a second width in one JVM would box the vectors. */
    private static final VectorSpecies<Float> WIDEST = VectorWidth.FLOAT;
    private static final int T = 28;
    private static final int IN = 28;
    private static final int H = 64;
    private static final int G = 4 * H;
    /** The layer's parameters as the model class lays them out: W, U, then B. */
    private static final int U = IN * G;
    private static final int B = U + H * G;

    private final SequenceKernels kernels = SequenceKernels.get();
    private float[] p;
    private float[] x;
    private float[] zx;
    private float[] zxCells;
    private final float[] hu = new float[T * G];
    private final float[] hT = new float[(T + 1) * H];
    private final float[] cT = new float[(T + 1) * H];
    private final float[] up = new float[H * G];
    private final float[] huCells = new float[T * G];
    private float[] a;

    @Setup
    public void setUp() {
        if (Kernels.name().equals("scalar")) {
            throw new IllegalStateException("the Vector API kernels are not in use: run the JVM"
                    + " with --add-modules jdk.incubator.vector");
        }
        Random r = new Random(1);
        p = fill(new float[B + G], r, 0.25f);
        x = new float[T * IN];
        for (int i = 0; i < x.length; i++) {
            // about half the pixels of a Fashion-MNIST image are 0
            x[i] = r.nextBoolean() ? 0f : r.nextFloat();
        }
        zx = new float[T * G];
        Kernels.dense().infer(x, 0, T, IN, p, 0, B, G, zx);
        zxCells = zx.clone();
        fill(huCells, r, 1f);
        a = fill(new float[2 * WIDEST.length()], r, 1f);
    }

    private static float[] fill(float[] a, Random r, float scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (r.nextFloat() - 0.5f) * scale;
        }
        return a;
    }

    @Benchmark
    public float[] layer() {
        Kernels.dense().infer(x, 0, T, IN, p, 0, B, G, zx);
        return steps();
    }

    @Benchmark
    public float[] inputProducts() {
        Kernels.dense().infer(x, 0, T, IN, p, 0, B, G, zx);
        return zx;
    }

    @Benchmark
    public float[] steps() {
        java.util.Arrays.fill(hT, 0, H, 0f);
        java.util.Arrays.fill(cT, 0, H, 0f);
        for (int s = 0; s < T; s++) {
            kernels.inferStep(SequenceKernels.Cell.LSTM, hT, s, 1, H, p, U, -1, hu, zx, cT,
                    (s + 1) * H, s == 0, up);
        }
        return hT;
    }

    @Benchmark
    public float[] cells() {
        // the gate inputs afresh: a step overwrites them with the gate values
        System.arraycopy(zx, 0, zxCells, 0, zx.length);
        for (int s = 0; s < T; s++) {
            kernels.lstmForward(zxCells, huCells, s * G, 1, H, cT, hT, s * H, (s + 1) * H);
        }
        return hT;
    }

    @Benchmark
    public float streamU() {
        float s = 0f;
        for (int step = 1; step < T; step++) {
            s += FloatRead.sum(up, H * G);
        }
        return s;
    }

    @Benchmark
    public float arithmetic() {
        int l = WIDEST.length();
        // the layer's multiply-adds in vectors: input products and the 27 recurrent products
        int fmas = (T * IN * G + (T - 1) * H * G) / l;
        FloatVector x0 = FloatVector.fromArray(WIDEST, a, 0);
        FloatVector y0 = FloatVector.fromArray(WIDEST, a, l);
        FloatVector c0 = x0;
        FloatVector c1 = y0;
        FloatVector c2 = x0;
        FloatVector c3 = y0;
        FloatVector c4 = x0;
        FloatVector c5 = y0;
        FloatVector c6 = x0;
        FloatVector c7 = y0;
        FloatVector c8 = x0;
        FloatVector c9 = y0;
        FloatVector c10 = x0;
        FloatVector c11 = y0;
        for (int i = 0; i < fmas; i += 12) {
            c0 = c0.fma(x0, y0);
            c1 = c1.fma(x0, y0);
            c2 = c2.fma(x0, y0);
            c3 = c3.fma(x0, y0);
            c4 = c4.fma(x0, y0);
            c5 = c5.fma(x0, y0);
            c6 = c6.fma(x0, y0);
            c7 = c7.fma(x0, y0);
            c8 = c8.fma(x0, y0);
            c9 = c9.fma(x0, y0);
            c10 = c10.fma(x0, y0);
            c11 = c11.fma(x0, y0);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9)
                .add(c10).add(c11).reduceLanes(VectorOperators.ADD);
    }
}
