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
 * block, the preprocessing stage fitted over all partitions in one aggregation pass, and the
 * normalized blocks cached on the executors.
 *
 * <p>Nothing but the fitted statistics (a few numbers per column and the class labels) reaches
 * the driver. A cached block holds 4 bytes × (inputs + outputs) per row; Spark keeps it in memory
 * and spills it to disk when memory is short ({@code MEMORY_AND_DISK}).
 *
 * <p>The stage is the one {@code nnc train} fits (see {@code Training.run}): each value scaled
 * ({@link Preprocessing#scale}), min-max or z-score statistics per column (per feature over all
 * steps for a sequence input), population standard deviation, a constant column gets scale 1;
 * class labels are the sorted distinct values of a one-number label column. NOTE: z-score means
 * and deviations are merged across partitions (Chan's formula), so with several partitions their
 * last bits may differ from one pass over all rows; with one partition they are the same.
 */
final class TrainingData {
    private TrainingData() {
    }

    /** One partition's samples, row after row: inputs and targets as the model takes them. */
    record Block(int n, float[] x, float[] y) implements Serializable {
    }

    /** One partition's raw samples: scaled inputs, and labels as the column holds them. */
    record Raw(int n, float[] x, double[] labels, int labelWidth) implements Serializable {
    }

    /** The cached blocks and the fitted stage. */
    record Prepared(JavaRDD<Block> blocks, Preprocessing preprocessing, long rows) {
        void release() {
            blocks.unpersist(false);
        }
    }

    /**
     * Reads, fits and caches the columns {@code features} and {@code label} of {@code df} for
     * {@code model}, scaling inputs by {@code scale}.
     */
    static Prepared prepare(Dataset<Row> df, String features, String label,
            TrainableModel model, double scale) {
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
        JavaRDD<Raw> raw = cols.queryExecution().toRdd().toJavaRDD().mapPartitions(
                rows -> List.of(read(rows, features, ft, label, lt, in, labelWidth, scale))
                        .iterator());
        int[] inShape = model.inputShape();
        int[] outShape = model.outputShape();
        ModelSpec.Normalization fk = model.spec().data().features();
        ModelSpec.Normalization lk = loss == ModelSpec.Loss.MSE ? model.spec().data().labels()
                : ModelSpec.Normalization.NONE;
        Stats all = FixedOrderTree.reduce(raw.mapPartitionsWithIndex((i, it) -> {
            List<FixedOrderTree.Indexed<Stats>> one = new ArrayList<>();
            Raw r = it.next();
            one.add(new FixedOrderTree.Indexed<>(i, Stats.of(r, inShape, outShape, classes,
                    loss == ModelSpec.Loss.MSE)));
            return one.iterator();
        }, true), Stats::merge);
        if (all == null || all.rows == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        ClassLabels cl = null;
        if (classes) {
            cl = ClassLabels.of(all.classes.stream().mapToDouble(Double::doubleValue).toArray());
            if (cl.size() != out) {
                throw new IllegalArgumentException("found " + cl.size() + " classes ("
                        + cl.display() + ") in column '" + label + "' but the model has " + out
                        + " outputs");
            }
        }
        Preprocessing prep = new Preprocessing(scale, all.x.normalizer(fk, inShape, in),
                loss == ModelSpec.Loss.MSE ? all.y.normalizer(lk, outShape, out)
                        : Normalizer.identity(out), cl);
        // The stage travels as its metadata text, exact to the bit (Normalizer.encode).
        java.util.TreeMap<String, String> meta = new java.util.TreeMap<>(prep.toMetadata());
        JavaRDD<Block> blocks = raw.map(r -> block(r, Preprocessing.fromMetadata(meta), out,
                loss))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new Prepared(blocks, prep, all.rows);
    }

    private static Raw read(Iterator<InternalRow> rows, String features, DataType ft,
            String label, DataType lt, int in, int labelWidth, double scale) {
        double[] xs = new double[in];
        float[] x = new float[0];
        double[] l = new double[0];
        int n = 0;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            if (n * in >= x.length) {
                int cap = Math.max(16, n * 2);
                x = Arrays.copyOf(x, Math.multiplyExact(cap, in));
                l = Arrays.copyOf(l, Math.multiplyExact(cap, labelWidth));
            }
            Columns.values(row, 0, ft, features, in, xs, 0);
            for (int j = 0; j < in; j++) {
                x[n * in + j] = Preprocessing.scale(xs[j], scale);
            }
            Columns.values(row, 1, lt, label, labelWidth, l, n * labelWidth);
            n++;
        }
        return new Raw(n, Arrays.copyOf(x, n * in), Arrays.copyOf(l, n * labelWidth),
                labelWidth);
    }

    private static Block block(Raw r, Preprocessing prep, int out, ModelSpec.Loss loss) {
        ClassLabels classes = prep.classes();
        // NOTE: normalized in place: `raw` is not cached, so each Raw is read anew for this
        // block alone (a copy would be one more array of the partition's size to collect).
        float[] x = r.x();
        prep.features().apply(x, r.n());
        float[] y = new float[r.n() * out];
        double[] l = r.labels();
        for (int i = 0; i < r.n(); i++) {
            if (classes != null) {
                int c = classes.index(l[i]);
                if (c < 0) {
                    throw new IllegalArgumentException("class " + ClassLabels.format(l[i])
                            + " is not one of the training classes (" + classes.display() + ")");
                }
                y[i * out + c] = 1f;
                continue;
            }
            for (int j = 0; j < out; j++) {
                double v = l[i * out + j];
                if (loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && v != 0 && v != 1) {
                    throw new IllegalArgumentException("label " + ClassLabels.format(v)
                            + " is not 0 or 1 (binary cross-entropy needs 0/1 labels)");
                }
                y[i * out + j] = (float) v;
            }
        }
        prep.labels().apply(y, r.n());
        return new Block(r.n(), x, y);
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

        /** Two passes over {@code rows} rows of {@code cols} columns, as Normalizer.fit does. */
        static Moments of(float[] data, int rows, int cols) {
            Moments m = new Moments(cols);
            m.n = rows;
            if (rows == 0) {
                return m;
            }
            // NOTE: row after row, all columns at once (the data is row-major); each column's
            // sums still run over the rows in ascending order, as Normalizer.fit's do.
            double[] sum = new double[cols];
            for (int r = 0; r < rows; r++) {
                int at = r * cols;
                for (int c = 0; c < cols; c++) {
                    double v = data[at + c];
                    m.min[c] = Math.min(m.min[c], v);
                    m.max[c] = Math.max(m.max[c], v);
                    sum[c] += v;
                }
            }
            for (int c = 0; c < cols; c++) {
                m.mean[c] = sum[c] / rows;
            }
            for (int r = 0; r < rows; r++) {
                int at = r * cols;
                for (int c = 0; c < cols; c++) {
                    double d = data[at + c] - m.mean[c];
                    m.m2[c] += d * d;
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

        static Stats of(Raw r, int[] inShape, int[] outShape, boolean classes, boolean labels) {
            Stats s = new Stats();
            s.rows = r.n();
            int fx = inShape.length == 2 ? inShape[1] : r.x().length / Math.max(1, r.n());
            s.x = statCols(r.x(), r.n(), inShape, fx);
            if (labels) {
                float[] y = new float[r.labels().length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) r.labels()[i];
                }
                int fy = outShape.length == 2 ? outShape[1] : r.labelWidth();
                s.y = statCols(y, r.n(), outShape, fy);
            }
            if (classes) {
                for (double v : r.labels()) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("class label not finite: " + v);
                    }
                    if (s.classes.size() < MAX_CLASSES) {
                        s.classes.add(v == 0 ? 0.0 : v);
                    }
                }
            }
            return s;
        }

        private static Moments statCols(float[] data, int rows, int[] shape, int cols) {
            int steps = shape.length == 2 ? shape[0] : 1;
            if (rows == 0) {
                int size = 1;
                for (int d : shape) {
                    size *= d;
                }
                return new Moments(shape.length == 2 ? shape[1] : size);
            }
            return Moments.of(data, rows * steps, cols);
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
