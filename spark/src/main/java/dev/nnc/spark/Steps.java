package dev.nnc.spark;

import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.optim.Optimizer;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.spark.DistributedTraining.Part;
import dev.nnc.spark.FixedOrderTree.Indexed;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The jobs of {@link DistributedTraining}: one per step in exact mode, one per round in fast
 * mode. The driver keeps the model and the optimizer; tasks borrow a model instance of their JVM,
 * load the broadcast state into it, and send back one weighted vector.
 */
final class Steps {
    private final ModelSource source;
    private final DistributedTraining.Settings settings;
    private final ModelSpec.TrainSpec spec;
    private final int[] sizes;
    private final long rows;
    private final JavaSparkContext jsc;
    private final JavaRDD<TrainingData.Block> blocks;
    private final TreeMap<String, String> stage;

    Steps(ModelSource source, DistributedTraining.Settings settings, ModelSpec.TrainSpec spec,
            int[] sizes, JavaSparkContext jsc, JavaRDD<TrainingData.Block> blocks,
            TreeMap<String, String> stage) {
        this.source = source;
        this.settings = settings;
        this.spec = spec;
        this.sizes = sizes.clone();
        long n = 0;
        for (int s : sizes) {
            n += s;
        }
        this.rows = n;
        this.jsc = jsc;
        this.blocks = blocks;
        this.stage = stage;
    }

    /** The state sent to the tasks of one job. */
    record State(float[] params, float[] buffers, List<float[]> optimizer, long steps,
            double rate) implements java.io.Serializable {
        /** Sent as {@link DistributedTraining.Wire}: the arrays as one byte array. */
        private Object writeReplace() {
            List<float[]> all = new ArrayList<>(optimizer.size() + 2);
            all.add(params);
            all.add(buffers);
            all.addAll(optimizer);
            return new DistributedTraining.Wire(DistributedTraining.Wire.pack(all),
                    new long[] {steps, Double.doubleToRawLongBits(rate)}, false);
        }

        static State of(DistributedTraining.Wire w) {
            List<float[]> all = w.arrays();
            return new State(all.get(0), all.get(1), List.copyOf(all.subList(2, all.size())),
                    w.scalar(0), Double.longBitsToDouble(w.scalar(1)));
        }
    }

    /** One exact epoch; returns its mean training loss. */
    double exactEpoch(int epoch, TrainableModel model, Optimizer opt) {
        int batch = settings.batch() == 0 ? (int) Math.min(rows, Integer.MAX_VALUE)
                : settings.batch();
        int stepsPerEpoch = (int) ((rows + batch - 1) / batch);
        float[] params = model.params();
        float[] buffers = model.buffers();
        float[] grads = new float[params.length];
        double lossSum = 0;
        for (int step = 0; step < stepsPerEpoch; step++) {
            long global = 0;
            for (int size : sizes) {
                global += slice(size, stepsPerEpoch, step + 1) - slice(size, stepsPerEpoch, step);
            }
            if (global == 0) {
                continue;
            }
            Broadcast<State> b = jsc.broadcast(new State(params, buffers, List.of(), 0, 0));
            Part total = FixedOrderTree.reduce(blocks,
                    new ExactTask(source, stage, settings, b, epoch, step, stepsPerEpoch,
                            global),
                    Part::sum);
            b.destroy();
            float[] v = total.v();
            System.arraycopy(v, 0, grads, 0, params.length);
            System.arraycopy(v, params.length, buffers, 0, buffers.length);
            DistributedTraining.clip(grads, spec);
            opt.step(params, grads);
            lossSum += total.loss();
        }
        return lossSum / rows;
    }

    /** Rows {@code [slice(s), slice(s+1))} of a partition of {@code n} rows are its share of step s. */
    static int slice(int n, int steps, int s) {
        return (int) ((long) n * s / steps);
    }

    /**
     * The task of one step of exact mode (see {@link #exactEpoch}).
     * NOTE: a named class, not a lambda: Spark deserializes it in every task of every job
     * as a plain object, without the serialized-lambda machinery.
     */
    private record ExactTask(ModelSource source, TreeMap<String, String> stage,
            DistributedTraining.Settings s, Broadcast<State> state, int epoch, int step,
            int stepsPerEpoch, long global) implements
            org.apache.spark.api.java.function.Function2<Integer,
            Iterator<TrainingData.Block>, Iterator<Indexed<Part>>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Indexed<Part>> call(Integer p, Iterator<TrainingData.Block> it) {
            TrainingData.Block blk = it.next();
            ExecutorWarmup.end(source);
            probe(s, epoch, step, p);
            int from = slice(blk.n(), stepsPerEpoch, step);
            int count = slice(blk.n(), stepsPerEpoch, step + 1) - from;
            List<Indexed<Part>> out = new ArrayList<>(1);
            if (count == 0) {
                return out.iterator();
            }
            TrainableModel m = source.borrow();
            TaskKernels.Scope kernels = TaskKernels.forTask();
            try {
                TrainingData.Stage st = TrainingData.Stage.of(stage, m);
                load(m, state.value());
                int in = m.inputSize();
                int o = m.outputSize();
                int[] perm = DistributedTraining.sharedOrder(blk.n(), m.spec().train().shuffle(),
                        s.seed(), epoch, p);
                float[] xb = new float[count * in];
                float[] yb = new float[count * o];
                TrainingData.gather(blk, st, perm, from, count, xb, yb);
                m.setRngState(DistributedTraining.mix(s.seed(), epoch, step, p));
                double loss = m.trainStep(xb, yb, count);
                double w = (double) count / global;
                float[] g = m.grads();
                float[] buf = m.buffers();
                float[] v = new float[g.length + buf.length];
                DistributedTraining.addScaled(v, 0, g, w);
                DistributedTraining.addScaled(v, g.length, buf, w);
                out.add(new Indexed<>(p, new Part(v, loss * count, count, 1)));
                kernels.finished();
                return out.iterator();
            } finally {
                kernels.close();
                source.giveBack(m);
            }
        }
    }

    /** One fast epoch (one or more averaging rounds); returns its mean training loss. */
    double fastEpoch(int epoch, TrainableModel model, Optimizer opt) {
        int maxBatches = 0;
        for (int size : sizes) {
            maxBatches = Math.max(maxBatches, batches(size, settings.batch()));
        }
        int every = settings.averageEvery() == 0 ? Math.max(1, maxBatches)
                : settings.averageEvery();
        int rounds = (maxBatches + every - 1) / every;
        float[] params = model.params();
        float[] buffers = model.buffers();
        double lossSum = 0;
        for (int round = 0; round < rounds; round++) {
            long roundRows = 0;
            for (int size : sizes) {
                roundRows += roundRows(size, settings.batch(), round, every);
            }
            if (roundRows == 0) {
                continue;
            }
            List<float[]> optState = opt.state();
            Broadcast<State> b = jsc.broadcast(new State(params, buffers, optState, opt.steps(),
                    opt.learningRate()));
            Part total = FixedOrderTree.reduce(blocks,
                    new FastTask(source, stage, settings, b, epoch, round, every, roundRows),
                    Part::sum);
            b.destroy();
            if (total == null) {
                continue;
            }
            float[] v = total.v();
            int at = 0;
            System.arraycopy(v, at, params, 0, params.length);
            at += params.length;
            int arrays = (v.length - params.length - buffers.length) / params.length;
            List<float[]> state = new ArrayList<>();
            for (int i = 0; i < arrays; i++) {
                float[] a = new float[params.length];
                System.arraycopy(v, at, a, 0, a.length);
                at += a.length;
                state.add(a);
            }
            System.arraycopy(v, at, buffers, 0, buffers.length);
            double rate = opt.learningRate();
            opt.restore(state, opt.steps() + total.steps());
            opt.setLearningRate(rate);
            lossSum += total.loss();
        }
        return lossSum / rows;
    }

    /** The rows a partition of {@code n} rows trains on in a round. */
    static long roundRows(int n, int batch, int round, int every) {
        int b = batch == 0 ? Math.max(1, n) : batch;
        long first = (long) round * every * b;
        long last = Math.min(n, (long) (round + 1) * every * b);
        return Math.max(0, last - first);
    }

    /** The number of batches of {@code batch} rows over {@code n} rows (0: one batch). */
    static int batches(int n, int batch) {
        if (n == 0) {
            return 0;
        }
        return batch == 0 ? 1 : (n + batch - 1) / batch;
    }

    /**
     * The task of one round of fast mode (see {@link #fastEpoch}).
     * NOTE: a named class, not a lambda: Spark deserializes it in every task of every job
     * as a plain object, without the serialized-lambda machinery.
     */
    private record FastTask(ModelSource source, TreeMap<String, String> stage,
            DistributedTraining.Settings s, Broadcast<State> state, int epoch, int round,
            int every, long roundRows) implements
            org.apache.spark.api.java.function.Function2<Integer,
            Iterator<TrainingData.Block>, Iterator<Indexed<Part>>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Indexed<Part>> call(Integer p, Iterator<TrainingData.Block> it) {
            TrainingData.Block blk = it.next();
            ExecutorWarmup.end(source);
            probe(s, epoch, round, p);
            int n = blk.n();
            int batch = s.batch() == 0 ? Math.max(1, n) : s.batch();
            int first = round * every;
            int last = Math.min(batches(n, s.batch()), first + every);
            List<Indexed<Part>> out = new ArrayList<>(1);
            if (first >= last) {
                return out.iterator();
            }
            TrainableModel m = source.borrow();
            TaskKernels.Scope kernels = TaskKernels.forTask();
            Optimizer opt = null;
            boolean done = false;
            try {
                State sent = state.value();
                load(m, sent);
                TrainingData.Stage st = TrainingData.Stage.of(stage, m);
                ModelSpec.TrainSpec ts = m.spec().train();
                opt = borrowOptimizer(source, m);
                opt.restore(sent.optimizer(), sent.steps());
                opt.setLearningRate(sent.rate());
                int in = m.inputSize();
                int o = m.outputSize();
                int[] perm = DistributedTraining.sharedOrder(n, ts.shuffle(), s.seed(), epoch, p);
                float[] xb = new float[Math.min(batch, n) * in];
                float[] yb = new float[Math.min(batch, n) * o];
                m.setRngState(DistributedTraining.mix(s.seed(), epoch, round, p));
                float[] params = m.params();
                float[] grads = m.grads();
                double loss = 0;
                long trained = 0;
                for (int bi = first; bi < last; bi++) {
                    int from = bi * batch;
                    int count = Math.min(batch, n - from);
                    TrainingData.gather(blk, st, perm, from, count, xb, yb);
                    loss += m.trainStep(xb, yb, count) * count;
                    DistributedTraining.clip(grads, ts);
                    opt.step(params, grads);
                    trained += count;
                }
                double w = (double) trained / roundRows;
                out.add(new Indexed<>(p, weighted(m, opt, loss, w, last - first)));
                kernels.finished();
                done = true;
                return out.iterator();
            } finally {
                kernels.close();
                source.giveBack(m);
                if (done) {
                    giveBackOptimizer(source, opt);
                }
            }
        }
    }

    /**
     * The optimizers fast-mode tasks of this JVM have given back, by model: a task restores one
     * from the broadcast state (its arrays, step count and, after, its learning rate: all an
     * optimizer holds), so an optimizer of an earlier round, or of a task that a retry replaces,
     * steps as a new one would. At most one per task the executor runs at once.
     */
    private static final java.util.Map<String, java.util.concurrent.ConcurrentLinkedQueue<
            Optimizer>> OPTIMIZERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Optimizer borrowOptimizer(ModelSource source, TrainableModel m) {
        Optimizer o = OPTIMIZERS.computeIfAbsent(source.key(),
                k -> new java.util.concurrent.ConcurrentLinkedQueue<>()).poll();
        return o != null ? o : Optimizers.create(m.spec().optimizer());
    }

    private static void giveBackOptimizer(ModelSource source, Optimizer o) {
        if (o != null) {
            OPTIMIZERS.computeIfAbsent(source.key(),
                    k -> new java.util.concurrent.ConcurrentLinkedQueue<>()).offer(o);
        }
    }

    /**
     * Parameters, optimizer state and buffers times {@code w}, the partition's share of the rows
     * trained in the round, so that the sum over partitions is their weighted mean.
     */
    private static Part weighted(TrainableModel m, Optimizer opt, double loss, double w,
            int steps) {
        float[] params = m.params();
        List<float[]> state = opt.state();
        float[] buf = m.buffers();
        float[] v = new float[params.length * (1 + state.size()) + buf.length];
        DistributedTraining.addScaled(v, 0, params, w);
        int at = params.length;
        for (float[] a : state) {
            DistributedTraining.addScaled(v, at, a, w);
            at += a.length;
        }
        DistributedTraining.addScaled(v, at, buf, w);
        return new Part(v, loss, 0, steps);
    }

    private static void load(TrainableModel m, State st) {
        System.arraycopy(st.params(), 0, m.params(), 0, st.params().length);
        System.arraycopy(st.buffers(), 0, m.buffers(), 0, st.buffers().length);
    }

    private static void probe(DistributedTraining.Settings s, int epoch, int step, int p) {
        if (s.probe() != null) {
            TaskContext tc = TaskContext.get();
            s.probe().before(epoch, step, p, tc == null ? 0 : tc.attemptNumber());
        }
    }
}
