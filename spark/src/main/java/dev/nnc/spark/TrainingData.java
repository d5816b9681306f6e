package dev.nnc.spark;

import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.TrainableModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;

/**
 * The training data of a distributed run: each partition's rows read once into one packed
 * block, cached on the executors, and the preprocessing stage fitted over the cached blocks in
 * one aggregation pass.
 *
 * <p>Nothing but the fitted statistics (a few numbers per column and the class labels) reaches
 * the driver. A cached block holds the scaled inputs (4 bytes × inputs per row) and the labels as
 * the column holds them (8 bytes × label values per row), in chunks of at most
 * {@link #CHUNK_FLOATS} inputs, filled as the rows arrive: reading allocates the block once, with
 * no growing copy. Spark keeps the blocks in memory and spills them to disk when memory is short
 * ({@code MEMORY_AND_DISK}). The rest of the stage (normalization, one-hot targets, label
 * normalization), which needs the statistics of all partitions, is applied to each batch as it is
 * gathered ({@link #gather}): value by value, so a batch gets the bits a normalized copy of the
 * block would give it.
 *
 * <p>The stage is the one {@code nnc train} fits (see {@code Training.run}): each value scaled
 * ({@link Preprocessing#scale}), min-max or z-score statistics per column (per feature over all
 * steps for a sequence input), population standard deviation, a constant column gets scale 1;
 * class labels are the sorted distinct values of a one-number label column. NOTE: z-score means
 * and deviations are merged across partitions (Chan's formula), so with several partitions their
 * last bits may differ from one pass over all rows; with one partition they are the same.
 */
final class TrainingData {
    /**
     * The most input values one chunk of a block holds (a chunk holds at least one row).
     * NOTE: 256 KB, below half of G1's smallest region (1 MB): a larger array is a humongous
     * object, allocated in regions of its own straight into the old generation, and each such
     * allocation may start a concurrent marking cycle, whose thread then takes CPU time from
     * the tasks.
     */
    static final int CHUNK_FLOATS = 1 << 16;

    private TrainingData() {
    }

    /**
     * One partition's samples, row after row in chunks of {@code 2^shift} rows (the last one
     * shorter): inputs scaled, {@code in} values a row; labels as the column holds them,
     * {@code labelWidth} values a row.
     */
    record Block(int n, int in, int labelWidth, int shift, float[][] x, double[][] labels)
            implements Serializable {
        /** The chunk of row {@code i}. */
        int chunk(int i) {
            return i >>> shift;
        }

        /** Row {@code i}'s place in its chunk, in rows. */
        int offset(int i) {
            return i & ((1 << shift) - 1);
        }
    }

    /** The cached blocks, the fitted stage, and the stage as metadata text for the tasks. */
    record Prepared(JavaRDD<Block> blocks, Preprocessing preprocessing, long rows,
            TreeMap<String, String> stage) {
        void release() {
            blocks.unpersist(false);
        }
    }

    /**
     * The stages the tasks of this JVM decoded last, by their metadata text: the later tasks of
     * a run (every step or round) take the decoded stage from here. At most 4, the least
     * recently used dropped first; a decoded stage is never changed after it is made.
     */
    private static final Map<Map<String, String>, Preprocessing> DECODED =
            new java.util.LinkedHashMap<>(8, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(
                        Map.Entry<Map<String, String>, Preprocessing> eldest) {
                    return size() > 4;
                }
            };

    /**
     * The stage as a task applies it to a batch: decoded from its metadata text, which is exact
     * to the bit ({@code Normalizer.encode}), once per JVM and stage.
     */
    record Stage(Preprocessing prep, int out, boolean denseClasses) {
        static Stage of(Map<String, String> stage, TrainableModel m) {
            Preprocessing p;
            synchronized (DECODED) {
                p = DECODED.get(stage);
            }
            if (p == null) {
                p = Preprocessing.fromMetadata(stage);
                synchronized (DECODED) {
                    DECODED.put(stage, p);
                }
            }
            boolean dense = p.classes() != null;
            if (dense) {
                double[] v = p.classes().values();
                for (int i = 0; i < v.length; i++) {
                    dense &= v[i] == i;
                }
            }
            return new Stage(p, m.outputSize(), dense);
        }

        /** The output index of class {@code label} (the classes' own rule), or -1. */
        int classIndex(double label) {
            // NOTE: classes 0..k-1 (the usual label column) are their own index: no search.
            int k = (int) label;
            if (denseClasses && k == label && k >= 0 && k < out) {
                return k;
            }
            return prep.classes().index(label);
        }
    }

    /**
     * Reads, caches and fits the columns {@code features} and {@code label} of {@code df} for
     * {@code model}, scaling inputs by {@code scale}.
     *
     * @param warmup the model each executor warms the JIT up for while it reads its partitions
     *     ({@link ExecutorWarmup}), or {@code null}
     */
    static Prepared prepare(Dataset<Row> df, String features, String label,
            TrainableModel model, double scale, ModelSource warmup) {
        Columns.checkFeatures(df.schema(), features);
        Columns.checkLabel(df.schema(), label);
        ModelSpec.Loss loss = model.spec().loss();
        int in = model.inputSize();
        int out = model.outputSize();
        boolean oneLabel = df.schema().apply(label).dataType() instanceof NumericType;
        boolean classes = loss == ModelSpec.Loss.CROSS_ENTROPY && out > 1 && oneLabel;
        int labelWidth = classes ? 1 : out;
        // Spark's internal rows: no external Row, boxed value or per-row array is made.
        Dataset<Row> cols = df.select(features, label);
        DataType ft = cols.schema().fields()[0].dataType();
        DataType lt = cols.schema().fields()[1].dataType();
        JavaRDD<Block> blocks = cols.queryExecution().toRdd().toJavaRDD().mapPartitions(
                rows -> {
                    if (warmup == null) {
                        return List.of(read(rows, features, ft, label, lt, in, labelWidth,
                                scale)).iterator();
                    }
                    ExecutorWarmup.start(warmup);
                    try (TaskKernels.Scope k = ExecutorWarmup.prime(warmup)) {
                        Block b = read(rows, features, ft, label, lt, in, labelWidth, scale);
                        k.finished();
                        return List.of(b).iterator();
                    }
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        int[] inShape = model.inputShape();
        int[] outShape = model.outputShape();
        ModelSpec.Normalization fk = model.spec().data().features();
        ModelSpec.Normalization lk = loss == ModelSpec.Loss.MSE ? model.spec().data().labels()
                : ModelSpec.Normalization.NONE;
        boolean binary = loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && !classes;
        try {
            // The statistics pass reads the rows and caches the blocks: the one read of the data.
            Stats all = FixedOrderTree.reduce(blocks.mapPartitionsWithIndex((i, it) -> {
                List<FixedOrderTree.Indexed<Stats>> one = new ArrayList<>();
                Block b = it.next();
                one.add(new FixedOrderTree.Indexed<>(i, Stats.of(b, inShape, outShape, classes,
                        loss == ModelSpec.Loss.MSE, binary)));
                return one.iterator();
            }, true), Stats::merge);
            if (all == null || all.rows == 0) {
                throw new IllegalArgumentException("no training rows");
            }
            ClassLabels cl = null;
            if (classes) {
                cl = ClassLabels.of(all.classes.stream().mapToDouble(Double::doubleValue)
                        .toArray());
                if (cl.size() != out) {
                    throw new IllegalArgumentException("found " + cl.size() + " classes ("
                            + cl.display() + ") in column '" + label + "' but the model has "
                            + out + " outputs");
                }
            }
            Preprocessing prep = new Preprocessing(scale, all.x.normalizer(fk, inShape, in),
                    loss == ModelSpec.Loss.MSE ? all.y.normalizer(lk, outShape, out)
                            : Normalizer.identity(out), cl);
            return new Prepared(blocks, prep, all.rows, new TreeMap<>(prep.toMetadata()));
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
    }

    /** The rows of a chunk: as many as fit {@link #CHUNK_FLOATS} inputs, a power of two. */
    static int chunkShift(int in, int labelWidth) {
        int per = Math.max(1, CHUNK_FLOATS / Math.max(1, Math.max(in, labelWidth)));
        return 31 - Integer.numberOfLeadingZeros(per);
    }

    private static Block read(Iterator<InternalRow> rows, String features, DataType ft,
            String label, DataType lt, int in, int labelWidth, double scale) {
        int shift = chunkShift(in, labelWidth);
        int per = 1 << shift;
        List<float[]> xs = new ArrayList<>();
        List<double[]> ls = new ArrayList<>();
        double[] v = new double[in];
        float[] x = null;
        double[] l = null;
        int n = 0;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            int at = n & (per - 1);
            if (at == 0) {
                x = new float[per * in];
                l = new double[per * labelWidth];
                xs.add(x);
                ls.add(l);
            }
            Columns.values(row, 0, ft, features, in, v, 0);
            for (int j = 0; j < in; j++) {
                x[at * in + j] = Preprocessing.scale(v[j], scale);
            }
            Columns.values(row, 1, lt, label, labelWidth, l, at * labelWidth);
            n = Math.addExact(n, 1);
        }
        int tail = n & (per - 1);
        if (tail != 0) {
            // The last chunk holds its rows only: a block's chunks give its rows by their length.
            xs.set(xs.size() - 1, Arrays.copyOf(x, tail * in));
            ls.set(ls.size() - 1, Arrays.copyOf(l, tail * labelWidth));
        }
        return new Block(n, in, labelWidth, shift, xs.toArray(new float[0][]),
                ls.toArray(new double[0][]));
    }

    /**
     * Gathers rows {@code perm[from..from+count)} of {@code b} into {@code xb} and {@code yb} as
     * the model takes them: inputs normalized, labels as targets (one-hot classes, or values
     * normalized), with the stage {@code st}.
     */
    static void gather(Block b, Stage st, int[] perm, int from, int count, float[] xb,
            float[] yb) {
        int in = b.in();
        int lw = b.labelWidth();
        int out = st.out();
        ClassLabels classes = st.prep().classes();
        for (int r = 0; r < count; r++) {
            int i = perm[from + r];
            int c = b.chunk(i);
            int at = b.offset(i);
            System.arraycopy(b.x()[c], at * in, xb, r * in, in);
            double[] l = b.labels()[c];
            if (classes != null) {
                int k = st.classIndex(l[at]);
                if (k < 0) {
                    throw new IllegalArgumentException("class " + ClassLabels.format(l[at])
                            + " is not one of the training classes (" + classes.display() + ")");
                }
                java.util.Arrays.fill(yb, r * out, (r + 1) * out, 0f);
                yb[r * out + k] = 1f;
            } else {
                for (int j = 0; j < out; j++) {
                    yb[r * out + j] = (float) l[at * lw + j];
                }
            }
        }
        st.prep().features().apply(xb, count);
        st.prep().labels().apply(yb, count);
    }

    /** Per-column statistics of a set of rows: count, min, max, mean and squared deviations. */
    static final class Moments implements Serializable {
        private static final long serialVersionUID = 1L;
        long n;
        final double[] min;
        final double[] max;
        final double[] mean;
        final double[] m2;

        Moments(int cols) {
            min = new double[cols];
            max = new double[cols];
            mean = new double[cols];
            m2 = new double[cols];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        /**
         * Two passes over the rows of {@code chunks} (each holds whole rows of {@code cols}
         * columns), as Normalizer.fit does over one array.
         */
        static Moments of(float[][] chunks, int cols) {
            Moments m = new Moments(cols);
            long rows = 0;
            for (float[] c : chunks) {
                rows += c.length / cols;
            }
            m.n = rows;
            if (rows == 0) {
                return m;
            }
            // NOTE: row after row, all columns at once (the data is row-major); each column's
            // sums still run over the rows in ascending order, as Normalizer.fit's do.
            double[] sum = new double[cols];
            for (float[] data : chunks) {
                for (int at = 0; at + cols <= data.length; at += cols) {
                    for (int c = 0; c < cols; c++) {
                        double v = data[at + c];
                        m.min[c] = Math.min(m.min[c], v);
                        m.max[c] = Math.max(m.max[c], v);
                        sum[c] += v;
                    }
                }
            }
            for (int c = 0; c < cols; c++) {
                m.mean[c] = sum[c] / rows;
            }
            for (float[] data : chunks) {
                for (int at = 0; at + cols <= data.length; at += cols) {
                    for (int c = 0; c < cols; c++) {
                        double d = data[at + c] - m.mean[c];
                        m.m2[c] += d * d;
                    }
                }
            }
            return m;
        }

        /** The statistics of both sets of rows (Chan, Golub and LeVeque's pairwise update). */
        static Moments merge(Moments a, Moments b) {
            if (a.n == 0) {
                return b;
            }
            if (b.n == 0) {
                return a;
            }
            Moments m = new Moments(a.mean.length);
            m.n = a.n + b.n;
            for (int c = 0; c < m.mean.length; c++) {
                m.min[c] = Math.min(a.min[c], b.min[c]);
                m.max[c] = Math.max(a.max[c], b.max[c]);
                double d = b.mean[c] - a.mean[c];
                m.mean[c] = a.mean[c] + d * b.n / m.n;
                m.m2[c] = a.m2[c] + b.m2[c] + d * d * ((double) a.n * b.n / m.n);
            }
            return m;
        }

        /** The normalizer of {@code kind} over a sample of {@code shape} ({@code size} values). */
        Normalizer normalizer(ModelSpec.Normalization kind, int[] shape, int size) {
            if (kind == ModelSpec.Normalization.NONE) {
                return Normalizer.identity(size);
            }
            int cols = mean.length;
            int steps = size / cols;
            double[] shift = new double[cols];
            double[] sc = new double[cols];
            for (int c = 0; c < cols; c++) {
                if (kind == ModelSpec.Normalization.MINMAX) {
                    shift[c] = min[c];
                    sc[c] = max[c] > min[c] ? max[c] - min[c] : 1.0;
                } else {
                    double std = Math.sqrt(m2[c] / n);
                    shift[c] = mean[c];
                    sc[c] = std > 0 ? std : 1.0;
                }
            }
            StringBuilder s = new StringBuilder(kind.name().toLowerCase(Locale.ROOT));
            boolean mm = kind == ModelSpec.Normalization.MINMAX;
            s.append(mm ? ";min=" : ";mean=").append(join(shift, steps))
                    .append(mm ? ";range=" : ";std=").append(join(sc, steps));
            return Normalizer.decode(s.toString(), size);
        }

        private static String join(double[] v, int times) {
            StringBuilder s = new StringBuilder();
            for (int t = 0; t < times; t++) {
                for (double d : v) {
                    s.append(s.length() == 0 ? "" : ",").append(d);
                }
            }
            return s.toString();
        }
    }

    /** The statistics of a set of partitions: features, labels and the classes seen. */
    static final class Stats implements Serializable {
        private static final long serialVersionUID = 1L;
        // NOTE: a label column of more distinct values than this cannot be a class column of an
        // nnc model; the set stops growing there, so a regression column cannot fill memory.
        private static final int MAX_CLASSES = 1 << 16;
        long rows;
        Moments x;
        Moments y;
        TreeSet<Double> classes = new TreeSet<>();

        /**
         * The statistics of block {@code b}; {@code binary}: the labels must be 0 or 1 (binary
         * cross-entropy), checked here, before any training.
         */
        static Stats of(Block b, int[] inShape, int[] outShape, boolean classes, boolean labels,
                boolean binary) {
            Stats s = new Stats();
            s.rows = b.n();
            int fx = inShape.length == 2 ? inShape[1] : b.in();
            s.x = statCols(b.x(), b.n(), inShape, fx);
            if (labels) {
                float[][] y = new float[b.labels().length][];
                for (int c = 0; c < y.length; c++) {
                    double[] l = b.labels()[c];
                    y[c] = new float[l.length];
                    for (int i = 0; i < l.length; i++) {
                        y[c][i] = (float) l[i];
                    }
                }
                int fy = outShape.length == 2 ? outShape[1] : b.labelWidth();
                s.y = statCols(y, b.n(), outShape, fy);
            }
            for (double[] l : b.labels()) {
                for (double v : l) {
                    if (classes) {
                        if (!Double.isFinite(v)) {
                            throw new IllegalArgumentException("class label not finite: " + v);
                        }
                        if (s.classes.size() < MAX_CLASSES) {
                            s.classes.add(v == 0 ? 0.0 : v);
                        }
                    } else if (binary && v != 0 && v != 1) {
                        throw new IllegalArgumentException("label " + ClassLabels.format(v)
                                + " is not 0 or 1 (binary cross-entropy needs 0/1 labels)");
                    }
                }
            }
            return s;
        }

        private static Moments statCols(float[][] data, int rows, int[] shape, int cols) {
            if (rows == 0) {
                int size = 1;
                for (int d : shape) {
                    size *= d;
                }
                return new Moments(shape.length == 2 ? shape[1] : size);
            }
            return Moments.of(data, cols);
        }

        static Stats merge(Stats a, Stats b) {
            Stats s = new Stats();
            s.rows = a.rows + b.rows;
            s.x = Moments.merge(a.x, b.x);
            s.y = a.y == null ? null : Moments.merge(a.y, b.y);
            s.classes.addAll(a.classes);
            for (Double v : b.classes) {
                if (s.classes.size() < MAX_CLASSES) {
                    s.classes.add(v);
                }
            }
            return s;
        }
    }
}
