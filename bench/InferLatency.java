// Batch-1 inference latency of one .nn model as nnc deploys it: the generated class under the nnc
// runtime, the standalone class (nnc compile --standalone) and the ONNX export (nnc export) under ONNX Runtime Java, with random
// weights (the model's init and seed). Run by bench/run-infer.sh as a single-file program:
//
//   java -cp cli/target/nnc.jar:onnxruntime-1.20.0.jar bench/InferLatency.java MODEL.nn WORKDIR
//
// Method, as the PyTorch peer's latency_batch1: single-sample predictions cycling over 100
// distinct inputs: the first 100 rows of the model's test data when its .nn names one (read with
// the data block's scale, as nnc predict takes raw inputs: Fashion-MNIST's pixels / 255, the
// peer's inputs; a model whose data block normalizes its features falls back to random inputs),
// else 100 random uniform ones in [0, 1); the "inputs" line says which. Each call timed alone
// with System.nanoTime; 20,000 warm-up calls of each runtime (so that C2 has compiled the layer
// methods), then the median of 20,000 timed calls of each, in µs. The timed calls are
// interleaved: 20 rounds, each of 1,000 calls of every runtime in turn, so that a change of the
// machine's load during the run falls on all three alike instead of on the one timed while it
// lasted.
// ONNX Runtime: one intra-op and one inter-op thread, all graph optimizations; each call creates
// its input tensor and reads its output, as an application would.
// Prints one JSON line per runtime.

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nnc.cli.Main;
import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.io.Weights;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.tools.ToolProvider;

public class InferLatency {
    static final int WARMUP = 20_000;
    static final int CALLS = 20_000;
    static final int DISTINCT = 100;
    static final int ROUNDS = 20;

    interface Call {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path nn = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        if (c.hasErrors()) {
            throw new IllegalStateException(c.renderDiagnostics());
        }
        TrainableModel m = InMemoryJavac.load(c);
        m.initParams(new Rng(m.spec().seed()));
        Path weights = work.resolve("weights.safetensors");
        Weights.save(m, weights, Preprocessing.identity(m.inputSize(), m.outputSize())
                .toMetadata());
        Path onnx = work.resolve("model.onnx");
        Path src = work.resolve("src");
        nnc("export", nn.toString(), "-w", weights.toString(), "--onnx", onnx.toString());
        nnc("compile", nn.toString(), "-w", weights.toString(), "--standalone", "-d",
                src.toString());

        int in = m.inputSize();
        float[][] inputs = testRows(nn, m, in);
        if (inputs == null) {
            Random rnd = new Random(3);
            inputs = new float[DISTINCT][in];
            for (float[] x : inputs) {
                for (int j = 0; j < in; j++) {
                    x[j] = rnd.nextFloat();
                }
            }
            System.out.println("{\"inputs\": \"random uniform [0, 1)\"}");
        }

        // the standalone class, compiled with javac alone and loaded beside the JDK only
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path java;
        try (var s = Files.walk(src)) {
            java = s.filter(p -> p.toString().endsWith(".java")).findFirst().orElseThrow();
        }
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17",
                "-classpath", classes.toString(), "-d", classes.toString(), java.toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed on " + java);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Class<?> cls = loader.loadClass(c.className());
        Object standalone = cls.getDeclaredConstructor().newInstance();
        Method predict = cls.getMethod("predict", float[].class, int.class, float[].class);
        float[] out = new float[m.outputSize()];
        float[] sink = new float[1];
        // NOTE: called by reflection (the class is not on this program's class path); that adds
        // tens of nanoseconds per call, counted against the standalone class.
        final float[][] xs = inputs;
        Call standaloneCall = i -> {
            predict.invoke(standalone, xs[i % DISTINCT], 1, out);
            sink[0] += out[0];
        };

        // the generated class itself, as nnc train / predict / serve and the Maven plugin's users
        // run it: dense products through the runtime's kernels (the Vector API ones when this JVM
        // runs with --add-modules jdk.incubator.vector), the same bits as the standalone class
        float[] outM = new float[m.outputSize()];
        Call modelCall = i -> {
            m.predict(xs[i % DISTINCT], 1, outM);
            sink[0] += outM[0];
        };
        for (float[] x : inputs) {
            predict.invoke(standalone, x, 1, out);
            m.predict(x, 1, outM);
            if (!Arrays.equals(out, outM)) {
                throw new IllegalStateException("the model and the standalone class differ");
            }
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(onnx.toString(), opts)) {
                int[] dims = m.inputShape();
                long[] shape = new long[dims.length + 1];
                shape[0] = 1;
                for (int d = 0; d < dims.length; d++) {
                    shape[d + 1] = dims[d];
                }
                Call onnxCall = i -> {
                    try (OnnxTensor x = OnnxTensor.createTensor(env,
                            FloatBuffer.wrap(xs[i % DISTINCT]), shape);
                            OrtSession.Result r = session.run(Map.of("input", x))) {
                        sink[0] += ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
                    }
                };
                double[] us = time(standaloneCall, modelCall, onnxCall);
                report("nnc standalone class", us[0]);
                report("nnc model (" + dev.nnc.runtime.kernels.Kernels.name() + " kernels)", us[1]);
                report("onnxruntime java " + OrtEnvironment.getEnvironment().getVersion(), us[2]);
            }
        }
        if (sink[0] == 42) {
            System.err.println(sink[0]);
        }
    }

    /**
     * The first {@link #DISTINCT} rows of the test data the model's .nn names, with its data
     * block's scale, or null when it names none (or normalizes its features, which would need the
     * training data's fit).
     */
    static float[][] testRows(Path nn, TrainableModel m, int in) {
        ModelSpec.DataSpec d = m.spec().data();
        if (d == null || d.test() == null || d.features() != ModelSpec.Normalization.NONE) {
            return null;
        }
        Path file = Path.of(d.test().path());
        if (!file.isAbsolute()) {
            file = nn.toAbsolutePath().getParent().resolve(file);
        }
        Dataset data = DataLoader.load(file, d.test(), in, m.outputSize(), m.spec().loss(),
                null).dataset();
        float[][] rows = new float[DISTINCT][];
        float[] x = data.x();
        long zeros = 0;
        for (int i = 0; i < DISTINCT; i++) {
            rows[i] = Arrays.copyOfRange(x, i * in, (i + 1) * in);
            for (float v : rows[i]) {
                zeros += v == 0f ? 1 : 0;
            }
        }
        System.out.printf(java.util.Locale.ROOT,
                "{\"inputs\": \"the first %d test rows of %s\", \"zero_fraction\": %.3f}%n",
                DISTINCT, file, zeros / (double) (DISTINCT * in));
        return rows;
    }

    static void nnc(String... args) {
        int rc = Main.run(args, System.err, System.err);
        if (rc != 0) {
            throw new IllegalStateException("nnc " + String.join(" ", args) + ": exit " + rc);
        }
    }

    /** The median latency of each call, in µs: warmed up one after the other, timed interleaved. */
    static double[] time(Call... calls) throws Exception {
        for (Call call : calls) {
            for (int i = 0; i < WARMUP; i++) {
                call.run(i);
            }
        }
        long[][] t = new long[calls.length][CALLS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int c = 0; c < calls.length; c++) {
                for (int i = round * (CALLS / ROUNDS), end = i + CALLS / ROUNDS; i < end; i++) {
                    long t0 = System.nanoTime();
                    calls[c].run(i);
                    t[c][i] = System.nanoTime() - t0;
                }
            }
        }
        double[] us = new double[calls.length];
        for (int c = 0; c < calls.length; c++) {
            Arrays.sort(t[c]);
            us[c] = t[c][CALLS / 2] / 1000.0;
        }
        return us;
    }

    static void report(String runtime, double us) {
        System.out.printf(java.util.Locale.ROOT,
                "{\"runtime\": \"%s\", \"infer_latency_us_batch1\": %.2f}%n", runtime, us);
    }
}
