package dev.nnc.runtime.kernels;

import dev.nnc.runtime.kernels.SequenceKernels.Backward;
import dev.nnc.runtime.kernels.SequenceKernels.Cell;
import dev.nnc.runtime.model.Rng;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vector kernels' calls of the Fashion-MNIST benchmarks' training steps and inference
 * (bench/models: the MLP 784/128/64/10, LeNet's two convolutions and dense layers, the LSTM and
 * GRU of 64 units over 28 steps of 28 features; batches of 64), in the JVM this class starts
 * in, run together until C2 has compiled them, then each kernel's bytes allocated per call on
 * the calling thread. Run by {@link VectorKernelAllocationTest} in a JVM of its own (a JVM
 * where other tests have run the kernels on other shapes first is not the one a model trains
 * in). Prints one line per kernel, {@code name bytes-per-call windows}, and exits with 0.
 *
 * <p>Arguments: the names of the kernels to run (all when none), among {@link #NAMES}.
 */
final class VectorKernelAllocationMain {
    /** Every kernel this class can run, in the order it runs them. */
    static final List<String> NAMES = List.of("gemm", "relu", "conv", "conv-infer", "lstm", "gru",
            "lstm-infer", "gru-infer", "dense-infer", "dense-small", "pool", "adam",
            "adam-subnormal");

    private static final int N = 64;
    private static final int T = 28;
    private static final int F = 28;
    private static final int H = 64;

    /** Rounds of every kernel before measuring (C2 compiles most of them in the first tens). */
    private static final int WARMUP = 30;
    /** Calls of a kernel per measured window. */
    private static final int WINDOW = 10;
    /**
     * Windows measured at most per kernel, until one allocates nothing. NOTE: the dense layers'
     * inference at 16 lanes is compiled late (its methods go through C1's tier without profiles
     * first while C2 is busy): it allocated nothing only from the 38th or 39th window in most
     * JVMs, which 40 windows once left to chance.
     */
    private static final int WINDOWS = 100;
    /**
     * Seconds a kernel is measured at least, window after window, until one allocates nothing:
     * beside a busy process the JIT's queue is long and C2 compiles a kernel later than the
     * {@link #WINDOWS} windows last (the dense layers' inference still ran C1's code, which
     * allocates its vectors, after 100 windows at a load of 10 on 2 cores). What this test holds
     * is the compiled code; how soon a busy machine compiles it is not its question.
     */
    private static final long SECONDS = 60;

    private VectorKernelAllocationMain() {
    }

    public static void main(String[] args) throws java.io.IOException {
        if (!Kernels.name().startsWith("vector-")) {
            System.out.println("not the vector kernels: " + Kernels.name());
            System.exit(2);
        }
        List<String> names = args.length == 0 ? NAMES : Arrays.asList(args);
        Map<String, Runnable> cases = new LinkedHashMap<>();
        for (String name : names) {
            cases.put(name, kernel(name));
        }
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        try (KernelContext k = KernelContext.open(1)) {
            KernelContext.Binding bound = k.bind();
            try {
                // together, as a model's step runs them: C2 compiles each with the others' calls
                // in the Vector API's profiles
                long[] nanos = new long[cases.size()];
                for (int r = 0; r < WARMUP; r++) {
                    int i = 0;
                    for (Runnable c : cases.values()) {
                        long t0 = System.nanoTime();
                        c.run();
                        nanos[i++] += System.nanoTime() - t0;
                    }
                }
                if (Boolean.getBoolean("nnc.test.timing")) {
                    System.err.println("warm-up ms " + Arrays.toString(
                            Arrays.stream(nanos).map(t -> t / 1_000_000).toArray()));
                }
                // -Dnnc.test.jfr=FILE: where the measured windows allocate (their allocation
                // samples' stacks), recorded after the warm-up only
                String jfr = System.getProperty("nnc.test.jfr");
                jdk.jfr.Recording recording = null;
                if (jfr != null) {
                    recording = new jdk.jfr.Recording();
                    recording.enable("jdk.ObjectAllocationSample").with("throttle", "off")
                            .withStackTrace();
                    recording.setDestination(Path.of(jfr));
                    recording.start();
                }
                List<String> lines = new ArrayList<>();
                for (Map.Entry<String, Runnable> e : cases.entrySet()) {
                    long bytes = Long.MAX_VALUE;
                    int w = 0;
                    long until = System.nanoTime() + SECONDS * 1_000_000_000L;
                    while (bytes > 0 && (w < WINDOWS || System.nanoTime() < until)) {
                        long before = mx.getThreadAllocatedBytes(self);
                        for (int i = 0; i < WINDOW; i++) {
                            e.getValue().run();
                        }
                        bytes = mx.getThreadAllocatedBytes(self) - before;
                        w++;
                    }
                    lines.add(e.getKey() + " " + bytes / WINDOW + " " + w);
                }
                if (recording != null) {
                    recording.stop();
                    recording.close();
                }
                lines.forEach(System.out::println);
            } finally {
                bound.close();
            }
        }
    }

    private static Runnable kernel(String name) {
        Rng rng = new Rng(name.hashCode());
        return switch (name) {
            case "gemm" -> gemm(rng);
            case "relu" -> relu(rng);
            case "conv" -> conv(rng, true);
            case "conv-infer" -> conv(rng, false);
            case "lstm" -> sequence(rng, Cell.LSTM);
            case "gru" -> sequence(rng, Cell.GRU);
            case "lstm-infer" -> sequenceInfer(rng, Cell.LSTM);
            case "gru-infer" -> sequenceInfer(rng, Cell.GRU);
            case "dense-infer" -> denseInfer(rng);
            case "dense-small" -> denseSmall(rng);
            case "pool" -> pool(rng);
            case "adam" -> adam(rng);
            case "adam-subnormal" -> adamSubnormal(rng);
            default -> throw new IllegalArgumentException("no kernel " + name + " in " + NAMES);
        };
    }

    /** Values in [−1, 1). */
    private static float[] values(int size, Rng rng) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    /**
     * The products of the dense layers' training steps: forward, dW and dB, dX of the MLP
     * (784/128/64/10) and of LeNet's dense layers (400/120/84/10).
     */
    private static Runnable gemm(Rng rng) {
        int[][] nets = {{784, 128, 64, 10}, {400, 120, 84, 10}};
        List<Runnable> steps = new ArrayList<>();
        for (int[] d : nets) {
            for (int l = 0; l + 1 < d.length; l++) {
                int in = d[l];
                int out = d[l + 1];
                float[] x = values(N * in, rng);
                float[] p = values(in * out + out, rng);
                float[] gp = new float[p.length];
                float[] z = new float[N * out];
                float[] g = values(N * out, rng);
                float[] gx = new float[N * in];
                boolean first = l == 0;
                steps.add(() -> {
                    Kernels.denseForward(x, N, in, p, 0, in * out, out, z);
                    Kernels.denseGradWeights(x, N, in, g, out, gp, 0, in * out);
                    if (!first) {
                        Kernels.denseGradInput(g, N, out, p, 0, in, gx);
                    }
                });
            }
        }
        return () -> steps.forEach(Runnable::run);
    }

    /**
     * The forward and backward passes of the small last layers the compiler leaves to {@link
     * Kernels#denseRoundedForward} and {@link Kernels#denseRoundedGrad} in a training step: the
     * MLP's 64 → 10 and LeNet's 84 → 10.
     */
    private static Runnable denseSmall(Rng rng) {
        List<Runnable> steps = new ArrayList<>();
        for (int in : new int[] {64, 84}) {
            int out = 10;
            float[] x = values(N * in, rng);
            float[] p = values(in * out + out, rng);
            float[] gp = new float[p.length];
            float[] g = values(N * out, rng);
            float[] gx = new float[N * in];
            float[] z = new float[N * out];
            steps.add(() -> Kernels.denseRoundedForward(x, N, in, p, 0, in * out, out, z));
            steps.add(() -> Kernels.denseRoundedGrad(x, N, in, g, out, p, 0, in * out, gp, gx));
        }
        return () -> steps.forEach(Runnable::run);
    }

    /** relu and its backward pass on the MLP's and LeNet's activations. */
    private static Runnable relu(Rng rng) {
        List<Runnable> steps = new ArrayList<>();
        for (int size : new int[] {128, 64, 6 * 28 * 28, 16 * 10 * 10, 120, 84}) {
            float[] x = values(N * size, rng);
            float[] y = new float[x.length];
            float[] g = values(x.length, rng);
            float[] gx = new float[x.length];
            steps.add(() -> {
                Kernels.relu(x, y, x.length);
                Kernels.reluBackward(x, g, gx, x.length);
            });
        }
        return () -> steps.forEach(Runnable::run);
    }

    /**
     * LeNet's convolutions, 1×28×28 to 6 filters of 5×5 padded by 2, 6×14×14 to 16 filters of
     * 5×5: a training step's forward and backward passes, or inference.
     */
    private static Runnable conv(Rng rng, boolean training) {
        Conv2d c1 = new Conv2d(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 28, 28);
        Conv2d c2 = new Conv2d(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 10, 10);
        float[] x1 = values(N * 28 * 28, rng);
        float[] x2 = values(N * 6 * 14 * 14, rng);
        float[] p1 = values(6 * 25 + 6, rng);
        float[] p2 = values(16 * 150 + 16, rng);
        float[] z1 = new float[N * 6 * 28 * 28];
        float[] z2 = new float[N * 16 * 10 * 10];
        float[] g1 = values(z1.length, rng);
        float[] g2 = values(z2.length, rng);
        float[] gp1 = new float[p1.length];
        float[] gp2 = new float[p2.length];
        float[] gx2 = new float[x2.length];
        if (!training) {
            return () -> {
                c1.infer(x1, N, p1, 0, 150, z1);
                c2.infer(x2, N, p2, 0, 2400, z2);
            };
        }
        return () -> {
            c1.forward(x1, N, p1, 0, 150, z1);
            c2.forward(x2, N, p2, 0, 2400, z2);
            c2.backward(x2, g2, N, p2, 0, 2400, gp2, gx2);
            c1.backward(x1, g1, N, p1, 0, 150, gp1, null);
        };
    }

    /** A recurrent layer's buffers and parameters ([W, U, B(, Bhn)]) as a model class has them. */
    private record Layer(Cell cell, int gh, float[] p, int u, int b, int bhn, float[] xT,
            float[] zx, float[] hu, float[] hT, float[] cT) {
        static Layer of(Cell cell, Rng rng) {
            int gh = cell.gates() * H;
            int u = F * gh;
            int b = u + H * gh;
            int bhn = cell == Cell.GRU ? b + gh : -1;
            float[] p = values(b + gh + (cell == Cell.GRU ? H : 0), rng);
            for (int i = 0; i < p.length; i++) {
                p[i] *= 0.125f;
            }
            return new Layer(cell, gh, p, u, b, bhn, values(T * N * F, rng),
                    new float[T * N * gh], new float[T * N * gh], new float[(T + 1) * N * H],
                    cell == Cell.LSTM ? new float[(T + 1) * N * H] : null);
        }

        /** The forward pass of a training step, as the generated class runs it. */
        void forward(SequenceKernels seqk) {
            Kernels.denseForward(xT, N * T, F, p, 0, b, gh, zx);
            Arrays.fill(hT, 0, N * H, 0f);
            if (cT != null) {
                Arrays.fill(cT, 0, N * H, 0f);
            }
            for (int s = 0; s < T; s++) {
                seqk.forwardStep(cell, hT, s * N, N, H, p, u, bhn, hu, zx, cT, (s + 1) * N * H,
                        s == 0);
            }
        }
    }

    /** An LSTM's or a GRU's training step: forward, the steps backward, dW, dU, dB and dX. */
    private static Runnable sequence(Rng rng, Cell cell) {
        SequenceKernels seqk = SequenceKernels.get();
        Layer l = Layer.of(cell, rng);
        int gh = l.gh();
        boolean gru = cell == Cell.GRU;
        float[] gout = values(N * H, rng);
        float[] gp = new float[l.p().length];
        float[] ut = new float[H * gh];
        float[] wt = new float[gh * F];
        float[] dxT = new float[T * N * F];
        float[] dz = new float[T * N * gh];
        float[] dzh = gru ? new float[T * N * gh] : dz;
        float[] dhp = new float[(T + 1) * N * H];
        float[] dc = cell == Cell.LSTM ? new float[N * H] : null;
        float[] dhd = gru ? new float[(T + 1) * N * H] : null;
        return () -> {
            l.forward(seqk);
            SequenceKernels.transpose(l.p(), l.u(), H, gh, ut);
            SequenceKernels.transpose(l.p(), 0, F, gh, wt);
            Backward steps = Backward.of(cell, H, l.zx(), gru ? l.hu() : null, l.hT(), l.cT(),
                    dhp, dc, dz, gru ? dzh : null, dhd, ut);
            for (int s = T - 1; s >= 0; s--) {
                seqk.backwardStep(steps, s * N, N, (s + 1) * N * H, (s + 1) * N, s == T - 1,
                        gout, 0, H, s == T - 1, s == 0);
            }
            seqk.gradWeights(l.xT(), N * T, F, dz, gh, gp, 0, l.b());
            seqk.gradWeights(l.hT(), N * T, H, dzh, gh, gp, l.u(), -1);
            Kernels.denseForward(dz, N * T, gh, wt, 0, -1, F, dxT);
        };
    }

    /** An LSTM's or a GRU's inference over a batch: the model class's steps. */
    private static Runnable sequenceInfer(Rng rng, Cell cell) {
        SequenceKernels seqk = SequenceKernels.get();
        Layer l = Layer.of(cell, rng);
        float[] up = new float[H * l.gh()];
        return () -> {
            Kernels.dense().infer(l.xT(), 0, N * T, F, l.p(), 0, l.b(), l.gh(), l.zx());
            Arrays.fill(l.hT(), 0, N * H, 0f);
            if (l.cT() != null) {
                Arrays.fill(l.cT(), 0, N * H, 0f);
            }
            for (int s = 0; s < T; s++) {
                seqk.inferStep(cell, l.hT(), s * N, N, H, l.p(), l.u(), l.bhn(), l.hu(), l.zx(),
                        l.cT(), (s + 1) * N * H, s == 0, up);
            }
        };
    }

    /** The MLP's inference: a batch, and one row at a time. */
    private static Runnable denseInfer(Rng rng) {
        int[] d = {784, 128, 64, 10};
        List<Runnable> steps = new ArrayList<>();
        for (int l = 0; l + 1 < d.length; l++) {
            int in = d[l];
            int out = d[l + 1];
            float[] x = values(N * in, rng);
            float[] p = values(in * out + out, rng);
            float[] z = new float[N * out];
            steps.add(() -> {
                Kernels.denseInfer(x, N, in, p, 0, in * out, out, z);
                Kernels.denseInfer(x, 1, in, p, 0, in * out, out, z);
            });
        }
        return () -> steps.forEach(Runnable::run);
    }

    /** LeNet's max pooling of 2×2, forward with the maxima's positions and backward; inference. */
    private static Runnable pool(Rng rng) {
        int[][] shapes = {{6, 28, 28}, {16, 10, 10}};
        List<Runnable> steps = new ArrayList<>();
        for (int[] s : shapes) {
            int c = s[0];
            int h = s[1];
            int w = s[2];
            float[] x = values(N * c * h * w, rng);
            float[] y = new float[N * c * (h / 2) * (w / 2)];
            int[] arg = new int[y.length];
            float[] gy = values(y.length, rng);
            float[] gx = new float[x.length];
            steps.add(() -> {
                Kernels.maxPoolArg(x, N, c, h, w, 2, 2, 2, 2, h / 2, w / 2, y, arg);
                Kernels.maxPoolBackward(gy, arg, N, c * h * w, y.length / N, gx);
                Kernels.maxPool(x, N, c, h, w, 2, 2, 2, 2, h / 2, w / 2, y);
            });
        }
        return () -> steps.forEach(Runnable::run);
    }

    /** Adam's update of the MLP's parameters. */
    private static Runnable adam(Rng rng) {
        int size = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10;
        float[] p = values(size, rng);
        float[] g = values(size, rng);
        float[] m = new float[size];
        float[] v = new float[size];
        return () -> Kernels.adam(p, g, m, v, 0.9f, 0.999f, 0.001f, 1e-8f, 1f);
    }

    /**
     * Adam's update of the MLP's parameters after its first epochs: about one moment in eight a
     * subnormal float whose gradient is 0 (the weights of pixels that are mostly 0), spread over
     * most vectors, so that most of them take the subnormal moments' path. The moments stay
     * subnormal from call to call: 4·2^−149 is a fixed point of m ↦ 0.9·m.
     */
    private static Runnable adamSubnormal(Rng rng) {
        int size = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10;
        float[] p = values(size, rng);
        float[] g = values(size, rng);
        float[] m = values(size, rng);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = g[i] * g[i];
            if (rng.nextDouble() < 0.125) {
                g[i] = 0f;
                m[i] = Float.intBitsToFloat(4) * (m[i] < 0 ? -1 : 1);
            } else {
                m[i] *= 1e-3f;
            }
        }
        return () -> Kernels.adam(p, g, m, v, 0.9f, 0.999f, 0.001f, 1e-8f, 1f);
    }
}
