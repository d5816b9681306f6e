package dev.nnc.bench.jmh;

import dev.nnc.runtime.kernels.DenseKernels;
import dev.nnc.runtime.kernels.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The floor under the batch-1 latency of the Fashion-MNIST MLP (784 → 128 relu → 64 relu → 10
 * softmax, bench/models/fmnist_mlp.nn): its weights, 401 KB for the first layer and 33 KB
 * for the second, do not fit in L1, so every prediction reads them from L2 at least once.
 * {@code read} sums the same 109,386 floats ({@link FloatRead}): the time of reading them, the best
 * any kernel can do at one thread. {@code readFirstLayer} reads the first layer's
 * weights alone. {@code inferFirstLayer} and {@code inferLayers} run the products as the model
 * class does at batch 1 ({@link DenseKernels#infer}, relu, the last layer's plain loops and
 * softmax), for comparison with the read in the same run.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar MlpLatencyFloorBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MlpLatencyFloorBench {
    private static final int IN = 784;
    private static final int H1 = 128;
    private static final int H2 = 64;
    private static final int OUT = 10;
    private static final int W2 = IN * H1 + H1;
    private static final int W3 = W2 + H1 * H2 + H2;
    private static final int PARAMS = W3 + H2 * OUT + OUT;

    private final DenseKernels kernels = Kernels.dense();
    private float[] p;
    private float[] x;
    private final float[] a1 = new float[H1];
    private final float[] a2 = new float[H2];
    private final float[] z = new float[OUT];

    @Setup
    public void setUp() {
        Random r = new Random(1);
        p = new float[PARAMS];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextGaussian() * 0.05);
        }
        x = new float[IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
    }

    @Benchmark
    public float read() {
        return FloatRead.sum(p, PARAMS);
    }

    @Benchmark
    public float readFirstLayer() {
        return FloatRead.sum(p, IN * H1);
    }

    @Benchmark
    public float[] inferFirstLayer() {
        kernels.infer(x, 0, 1, IN, p, 0, IN * H1, H1, a1);
        return a1;
    }

    @Benchmark
    public float[] inferLayers() {
        kernels.infer(x, 0, 1, IN, p, 0, IN * H1, H1, a1);
        kernels.relu(a1, a1, H1);
        kernels.infer(a1, 0, 1, H1, p, W2, W2 + H1 * H2, H2, a2);
        kernels.relu(a2, a2, H2);
        for (int j = 0; j < OUT; j++) {
            z[j] = p[W3 + H2 * OUT + j];
        }
        for (int k = 0; k < H2; k++) {
            float xv = a2[k];
            for (int j = 0; j < OUT; j++) {
                z[j] += xv * p[W3 + k * OUT + j];
            }
        }
        float max = z[0];
        for (int j = 1; j < OUT; j++) {
            max = Math.max(max, z[j]);
        }
        float s = 0f;
        for (int j = 0; j < OUT; j++) {
            z[j] = (float) Math.exp(z[j] - max);
            s += z[j];
        }
        float inv = 1f / s;
        for (int j = 0; j < OUT; j++) {
            z[j] *= inv;
        }
        return z;
    }
}
