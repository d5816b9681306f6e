package dev.nnc.bench.jmh;

import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.kernels.KernelContext;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * One steady training step of a model at one thread, as {@code nnc train} runs it: the batch
 * gathered from the shuffled training set ({@link Dataset#gather}), the generated class's
 * {@code trainStep} (forward, loss, backward) and the optimizer's update, on the model's own data
 * and optimizer, the thread bound to a {@link KernelContext} of one thread as the training loop
 * binds it. The setup trains {@link #EPOCHS} epochs first, so that the state is that of a run
 * past its start (Adam's moments of weights whose gradient stays 0 subnormal, the JIT done).
 * Default: bench/models/fmnist_mlp.nn (784 → 128 → 64 → 10, batch 64, Adam), whose data are
 * Fashion-MNIST's ({@code apt-get install dataset-fashion-mnist}).
 *
 * <p>Run from the repository's root, after {@code mvn install} of the runtime and compiler:
 * {@code java -jar bench/jmh/target/benchmarks.jar MlpTrainStepBench} ({@code -p
 * model=FILE} for another .nn file of a model without augmentation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
    "-XX:Tier4BackEdgeThreshold=1000000"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
public class MlpTrainStepBench {
    /** Epochs trained in the setup, before any measured step. */
    static final int EPOCHS = 1;

    @Param({"bench/models/fmnist_mlp.nn"})
    public String model;

    private TrainableModel net;
    private Optimizer optimizer;
    private Dataset train;
    private KernelContext context;
    private KernelContext.Binding binding;
    private int[] perm;
    private float[] xb;
    private float[] yb;
    private int batch;
    private int batches;
    private int next;
    private Rng rng;

    @Setup(Level.Trial)
    public void setUp() {
        Path file = Path.of(model).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + ": no such file (run from the repository's root)");
        }
        net = InMemoryJavac.load(NnCompiler.compile(file, NnCompiler.Options.defaults()));
        ModelSpec spec = net.spec();
        DataSource src = spec.data().train().resolve(file.getParent());
        train = DataLoader.load(Path.of(src.files().get(0)), src, net.inputSize(),
                net.outputSize(), spec.loss(), null).dataset();
        rng = new Rng(spec.seed());
        net.initParams(rng);
        optimizer = Optimizers.create(spec.optimizer());
        batch = spec.train().batch();
        batches = train.size() / batch;
        perm = new int[train.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        xb = new float[batch * net.inputSize()];
        yb = new float[batch * net.outputSize()];
        context = KernelContext.open(1);
        binding = context.bind();
        for (int s = 0; s < EPOCHS * batches; s++) {
            step();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        binding.close();
        context.close();
    }

    /** One training step on the next batch of the epoch (shuffled again at each epoch's start). */
    @Benchmark
    public double step() {
        if (next == 0) {
            rng.shuffle(perm, perm.length); // as the training loop shuffles each epoch
        }
        train.gather(perm, next * batch, batch, xb, yb);
        next = (next + 1) % batches;
        double loss = net.trainStep(xb, yb, batch);
        optimizer.step(net.params(), net.grads());
        return loss;
    }
}
