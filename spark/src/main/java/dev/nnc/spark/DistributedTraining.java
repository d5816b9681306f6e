package dev.nnc.spark;

import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.Schedule;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.train.Checkpoint;
import dev.nnc.runtime.train.EpochRecord;
import dev.nnc.runtime.train.TrainingLoop;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-parallel training of a generated model on Spark, in one of two modes.
 *
 * <p><b>exact</b>: synchronous SGD. Each epoch has {@code ceil(rows / batch)} steps; in step s
 * every partition takes the s-th of as many equal consecutive slices of its rows (in its own
 * order, shuffled per epoch when the train block shuffles), so a global batch holds about
 * {@code batch} rows from all partitions. Per step the parameters are broadcast, each partition
 * computes the mean gradient of its slice with the model's {@code trainStep} and weighs it by its
 * share of the global batch, the weighted gradients are summed in a fixed tree over the
 * partitions ({@link FixedOrderTree}), and the optimizer (with its state and the file's learning
 * rate schedule and clipping) steps once on the driver. The result is single-process training on
 * the same global batches in the same order, up to the rounding of the sum.
 *
 * <p><b>fast</b>: parameter averaging. Per round the parameters and optimizer state are
 * broadcast; each partition trains {@code averageEvery} of its own batches of {@code batch} rows
 * (0: one pass over its rows), then parameters, optimizer state and buffers are averaged,
 * weighted by the rows each partition trained on. One job per round instead of one per step.
 *
 * <p>Per step (exact) or round (fast) the driver sends the parameters to every executor and
 * receives one summed vector of the same size per tree node: about {@code parameters × 4 × 2}
 * bytes per executor. Only these vectors, the row counts of the partitions and the fitted
 * preprocessing statistics ever reach the driver, never rows.
 *
 * <p>Runs are deterministic: the order of every sum is fixed and random streams are seeded by
 * (seed, epoch, step, partition), so a task that Spark retries after a failure computes the same
 * bits again, and a run with a failed task ends with the weights of one without.
 */
final class DistributedTraining {
    private DistributedTraining() {
    }

    /**
     * Fast mode's default {@code averageEvery}: local batches per partition between two averages.
     * NOTE: a round is one Spark job, whose fixed cost (scheduling, task launch, broadcast, the
     * driver's averaging) is some 20 ms on a quiet machine and more on a loaded one or a real
     * cluster; 8 batches of fmnist_mlp are about 7 ms of compute per task, so rounds of 8 spent
     * most of their time on that cost. 128 batches are about 0.1 s of that model, and averaging
     * less often lost no accuracy there (two partitions, 24,000 images, 2 epochs: 0.8257 test
     * accuracy averaging every 4 batches, 0.8292 every 64, 0.8281 once per pass).
     */
    static final int AVERAGE_EVERY = 128;

    /** The training modes. */
    enum Mode {
        EXACT, FAST;

        static Mode parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "exact" -> EXACT;
                case "fast" -> FAST;
                default -> throw new IllegalArgumentException("unknown training mode '" + s
                        + "'; known: exact, fast");
            };
        }
    }

    /** Called in each task before it computes (tests inject failures through it). */
    interface TaskProbe extends Serializable {
        /** Before the task of {@code step} (exact) or round (fast) of {@code epoch} runs. */
        void before(int epoch, int step, int partition, int attempt);
    }

    /**
     * Settings of a run.
     *
     * @param epochs epochs to train
     * @param batch the global batch (exact) or each partition's batch (fast); 0: all rows
     * @param seed initializes the parameters and seeds the orders and masks
     * @param averageEvery fast mode: local batches between averages; 0: one pass per round
     * @param warmup whether each executor warms the JIT up on a copy of the model while it reads
     *     its partitions ({@link ExecutorWarmup})
     */
    record Settings(Mode mode, int epochs, int batch, long seed, int averageEvery,
            boolean warmup, TaskProbe probe) implements Serializable {
        Settings {
            if (epochs < 0 || batch < 0 || averageEvery < 0) {
                throw new IllegalArgumentException("epochs, batch and averageEvery must be >= 0: "
                        + epochs + ", " + batch + ", " + averageEvery);
            }
        }
    }

    /**
     * Checkpoints of a run, written on the driver's file system in nnc's checkpoint format.
     *
     * @param every write after every this many epochs and after the last (0: none)
     * @param file where to write them, or {@code null}
     * @param resume a checkpoint to continue from, or {@code null}
     */
    record Checkpoints(int every, Path file, Path resume) {
        static final Checkpoints NONE = new Checkpoints(0, null, null);
    }

    /**
     * A finished run: the trained model, its stage, the mean training loss per epoch (those of a
     * resumed checkpoint first), and the epochs this run trained in {@code seconds}.
     */
    record Result(TrainableModel model, Preprocessing preprocessing, List<Double> losses,
            long rows, int epochsTrained, double seconds) {
        /**
         * Training samples per second of this run: the epochs it trained, not those of the
         * checkpoint it resumed, over its own time.
         */
        double samplesPerSecond() {
            return seconds > 0 ? (double) rows * epochsTrained / seconds : 0;
        }
    }

    /**
     * Trains a model of {@code source} on the columns of {@code df}, scaling inputs by
     * {@code scale}.
     *
     * @param onEpoch receives each epoch's number and mean training loss
     * @throws IllegalArgumentException for columns that do not fit the model, or train settings
     *     distributed training does not support
     */
    static Result train(ModelSource source, Dataset<Row> df, String features, String label,
            double scale, Settings s, Consumer<double[]> onEpoch) {
        return train(source, df, features, label, scale, s, Checkpoints.NONE, onEpoch);
    }

    /**
     * As {@link #train(ModelSource, Dataset, String, String, double, Settings, Consumer)}, with
     * checkpoints: a run resumed from the checkpoint of epoch e of an exact run ends with the
     * weights of the run that never stopped, bit for bit (the orders and masks of later epochs
     * depend only on the seed, the epoch and the partition).
     */
    static Result train(ModelSource source, Dataset<Row> df, String features, String label,
            double scale, Settings s, Checkpoints ck, Consumer<double[]> onEpoch) {
        TrainableModel model = source.newModel();
        ModelSpec.TrainSpec ts = model.spec().train();
        refuseUnsupported(ts);
        if (!model.spec().data().augment().isNone()) {
            throw new IllegalArgumentException("the data block asks for augment: "
                    + model.spec().data().augment().describe() + ", which distributed training"
                    + " does not apply yet; remove it, or train with nnc train");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession()
                .sparkContext());
        if (s.warmup() && jsc.isLocal()) {
            // NOTE: in local mode this JVM is the executor: warm up from the start, while the
            // input is read and (re)partitioned, not only while the blocks are built.
            ExecutorWarmup.start(source);
        }
        TrainingData.Prepared data;
        try {
            data = TrainingData.prepare(df, features, label, model, scale,
                    s.warmup() ? source : null);
        } catch (RuntimeException e) {
            ExecutorWarmup.end(source);
            throw e;
        }
        try {
            JavaRDD<TrainingData.Block> blocks = data.blocks();
            int[] sizes = blocks.map(TrainingData.Block::n).collect().stream()
                    .mapToInt(Integer::intValue).toArray();
            Rng rng = new Rng(s.seed());
            model.initParams(rng);
            Optimizer opt = Optimizers.create(model.spec().optimizer());
            double baseRate = opt.learningRate();
            Steps steps = new Steps(source, s, ts, sizes, jsc, blocks, data.stage());
            List<EpochRecord> history = new ArrayList<>();
            int first = 1;
            if (ck.resume() != null) {
                first = resume(Checkpoint.read(ck.resume()), model, opt, rng, s, ts,
                        data.rows(), history) + 1;
            }
            List<Double> losses = new ArrayList<>();
            history.forEach(r -> losses.add(r.metrics().get("train_loss")));
            Map<String, String> meta = new LinkedHashMap<>(data.preprocessing().toMetadata());
            meta.put(Checkpoint.SEED, Long.toString(s.seed()));
            long start = System.nanoTime();
            for (int epoch = first; epoch <= s.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                if (ts.schedule() != null) {
                    opt.setLearningRate(ts.schedule().rate(baseRate, epoch - 1));
                }
                double rate = opt.learningRate();
                double loss = s.mode() == Mode.EXACT ? steps.exactEpoch(epoch, model, opt)
                        : steps.fastEpoch(epoch, model, opt);
                losses.add(loss);
                history.add(new EpochRecord(epoch, Map.of("train_loss", loss, "lr", rate),
                        (System.nanoTime() - epochStart) * 1e-9));
                if (onEpoch != null) {
                    onEpoch.accept(new double[] {epoch, loss});
                }
                if (ck.file() != null && ck.every() > 0
                        && (epoch % ck.every() == 0 || epoch == s.epochs())) {
                    double secs = (System.nanoTime() - start) * 1e-9;
                    Checkpoint.write(ck.file(), model, opt, rng, new Checkpoint.Loop(epoch,
                            false, ck.every(), s.batch(), (int) data.rows(),
                            identity((int) data.rows()), null, null, null, 0, secs, secs,
                            data.rows() * (long) (epoch - first + 1), history, Double.NaN),
                            meta);
                }
            }
            return new Result(model, data.preprocessing(), losses, data.rows(),
                    Math.max(0, s.epochs() - first + 1), (System.nanoTime() - start) * 1e-9);
        } finally {
            ExecutorWarmup.end(source);
            data.release();
        }
    }

    /** Restores the driver's state from {@code c}; returns the epoch it was saved after. */
    private static int resume(Checkpoint c, TrainableModel model, Optimizer opt, Rng rng,
            Settings s, ModelSpec.TrainSpec ts, long rows, List<EpochRecord> history) {
        c.check(model, new ModelSpec.TrainSpec(ts.epochs(), s.batch(), ts.shuffle(), ts.stop(),
                ts.validation(), ts.logEvery(), ts.schedule(), ts.clipNorm(), ts.clipValue(),
                ts.earlyStopping()));
        if (c.seed() != null && c.seed() != s.seed()) {
            throw new IllegalArgumentException("checkpoint " + c.file() + " is of a run with seed "
                    + c.seed() + ", not " + s.seed() + "; a run resumes with its own seed");
        }
        if (c.trainSize() != rows) {
            throw new IllegalArgumentException("checkpoint " + c.file() + " was made with "
                    + c.trainSize() + " training rows, the data now has " + rows);
        }
        c.restore(model, opt, rng, identity((int) rows), null, null, null);
        history.addAll(c.history());
        return c.epoch();
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void refuseUnsupported(ModelSpec.TrainSpec ts) {
        String what = ts.stop() != null ? "a stop condition (" + ts.stop() + ")"
                : ts.earlyStopping() != null ? "early stopping"
                : ts.schedule() instanceof Schedule.Plateau ? "the plateau schedule"
                : null;
        if (what != null) {
            throw new IllegalArgumentException("the train block asks for " + what + ", which"
                    + " reads per-epoch metrics that distributed training does not measure yet;"
                    + " remove it, or train with nnc train");
        }
        if (ts.classWeights() != null) {
            // NOTE: a weighted mean's divisor is the weights of the whole batch, which the
            // partitions' shares of a step do not know; the losses would disagree with nnc train.
            throw new IllegalArgumentException("the train block sets class_weights, which "
                    + "distributed training does not apply yet; remove it, or train with nnc "
                    + "train");
        }
    }

    /** A 64-bit mix of several numbers (SplitMix64's finalizer over each in turn). */
    static long mix(long... parts) {
        long h = 0x9E37_79B9_7F4A_7C15L;
        for (long p : parts) {
            h ^= p;
            h = (h ^ (h >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D0_49BB_1331_11EBL;
            h ^= h >>> 31;
        }
        return h;
    }

    /** The order of a partition's rows in an epoch: shuffled when the train block shuffles. */
    static int[] order(int n, boolean shuffle, long seed, int epoch, int partition) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (shuffle) {
            new Rng(mix(seed, epoch, partition)).shuffle(perm, n);
        }
        return perm;
    }

    /**
     * The row orders the tasks of this JVM used last, by (rows, shuffle, seed, epoch,
     * partition), which define an order: a partition's tasks of the later steps (exact) or rounds
     * (fast) of an epoch read its order here instead of shuffling all its rows again. At most
     * {@link #ORDERS_KEPT}, the least recently used dropped first; never written after they are
     * made.
     */
    private static final Map<List<Long>, int[]> ORDERS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, int[]> eldest) {
            return size() > ORDERS_KEPT;
        }
    };
    private static final int ORDERS_KEPT = 8;

    /** {@link #order}, shared by the tasks of this JVM: the caller must not change it. */
    static int[] sharedOrder(int n, boolean shuffle, long seed, int epoch, int partition) {
        List<Long> key = List.of((long) n, shuffle ? 1L : 0L, seed, (long) epoch,
                (long) partition);
        synchronized (ORDERS) {
            int[] perm = ORDERS.get(key);
            if (perm != null) {
                return perm;
            }
        }
        int[] perm = order(n, shuffle, seed, epoch, partition);
        synchronized (ORDERS) {
            ORDERS.put(key, perm);
        }
        return perm;
    }

    /** Writes {@code w · src} into {@code dst} from index {@code at}, rounded to float once. */
    static void addScaled(float[] dst, int at, float[] src, double w) {
        for (int i = 0; i < src.length; i++) {
            dst[at + i] = (float) (src[i] * w);
        }
    }

    /** One partition's contribution: a weighted vector, its loss sum and sample count. */
    record Part(float[] v, double loss, long rows, long steps) implements Serializable {
        /** Sent as {@link Wire}: the vector as one byte array, copied in bulk. */
        private Object writeReplace() {
            return new Wire(Wire.pack(List.of(v)), new long[] {Double.doubleToRawLongBits(loss),
                rows, steps}, true);
        }

        static Part sum(Part a, Part b) {
            float[] v = a.v();
            float[] w = b.v();
            for (int i = 0; i < v.length; i++) {
                v[i] += w[i];
            }
            return new Part(v, a.loss() + b.loss(), a.rows() + b.rows(),
                    Math.max(a.steps(), b.steps()));
        }
    }

    /**
     * The serial form of the vectors a job sends (the state of a round, a partition's part):
     * their floats as one byte array, which Java serialization writes and reads in bulk, where it
     * would write a {@code float[]} value by value. The bits of every value are kept.
     *
     * <p>NOTE: why. Spark serializes a round's broadcast and each task's result with Java
     * serialization; the value-by-value path of a {@code float[]} of a million floats cost CPU
     * time on the driver and the executors, and the JIT compiled those loops during the first
     * epochs, on the cores the tasks train on.
     */
    static final class Wire implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] floats;
        private final long[] scalars;
        private final int[] lengths;
        private final boolean part;

        /** {@code part}: a {@link Part}, else a {@link Steps.State}. */
        Wire(Packed p, long[] scalars, boolean part) {
            this.floats = p.bytes();
            this.lengths = p.lengths();
            this.scalars = scalars;
            this.part = part;
        }

        /** Several float arrays packed: their values in order, and each one's length. */
        record Packed(byte[] bytes, int[] lengths) {
        }

        static Packed pack(List<float[]> arrays) {
            int total = 0;
            int[] lengths = new int[arrays.size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = arrays.get(i).length;
                total = Math.addExact(total, lengths[i]);
            }
            byte[] b = new byte[Math.multiplyExact(total, Float.BYTES)];
            java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(b)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (float[] a : arrays) {
                f.put(a);
            }
            return new Packed(b, lengths);
        }

        /** The float arrays packed here, in order. */
        List<float[]> arrays() {
            java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(floats)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            List<float[]> out = new ArrayList<>(lengths.length);
            for (int n : lengths) {
                float[] a = new float[n];
                f.get(a);
                out.add(a);
            }
            return out;
        }

        long scalar(int i) {
            return scalars[i];
        }

        private Object readResolve() {
            if (part) {
                return new Part(arrays().get(0), Double.longBitsToDouble(scalars[0]),
                        scalars[1], scalars[2]);
            }
            return Steps.State.of(this);
        }
    }

    /** Clips as the train block asks (the trainer's own rule). */
    static void clip(float[] g, ModelSpec.TrainSpec ts) {
        TrainingLoop.clip(g, ts);
    }
}
