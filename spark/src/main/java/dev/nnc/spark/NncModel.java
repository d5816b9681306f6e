package dev.nnc.spark;

import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.TrainableModel;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A trained nnc model as a Spark ML transformer: {@code transform} adds a prediction column and,
 * for classifiers, a probability column, computing every row with the same bits as
 * {@code nnc predict} (the runtime's {@link Predictor}: the saved preprocessing stage, then the
 * network).
 *
 * <p>Columns added: for a classifier (cross-entropy over several outputs, or binary
 * cross-entropy over one) {@code prediction} is the class label (the training classes, or the
 * output index) and {@code probability} a vector of each class's probability; for regression
 * {@code prediction} is the output in the labels' units (a number for one output, a vector for
 * several).
 *
 * <p>A model trained on a table with categorical columns ({@code categorical:} in its data
 * block) takes raw rows instead of a features vector: the feature columns its stage names (the
 * training file's, e.g. {@code district} as a string and {@code area} as a number, null where
 * missing), one-hot encoded by the stage's {@link OneHot}, as {@code nnc predict} encodes them.
 *
 * <p>{@code write().save(dir)} writes Spark ML's metadata, the weights as
 * {@code dir/nnc/weights.safetensors} (with the preprocessing stage in its metadata, as
 * {@code nnc train} saves it) and the model's bytecode when it was compiled from a {@code .nn}
 * file; {@link #load} reads it back, also as a stage of a saved {@code PipelineModel}.
 */
public final class NncModel extends Model<NncModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 256;

    private final String uid;
    private final ModelSource source;
    private final float[] params;
    private final float[] buffers;
    private final TreeMap<String, String> preprocessing;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private List<Double> losses = List.of();
    private double samplesPerSecond;

    NncModel(String uid, ModelSource source, float[] params, float[] buffers,
            Map<String, String> preprocessing) {
        this.uid = uid;
        this.source = source;
        this.params = params;
        this.buffers = buffers;
        this.preprocessing = new TreeMap<>(preprocessing);
        featuresCol = new Param<>(this, "featuresCol", "features column (vector or array)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public NncModel setFeaturesCol(String c) {
        set(featuresCol, c);
        return this;
    }

    public NncModel setPredictionCol(String c) {
        set(predictionCol, c);
        return this;
    }

    public NncModel setProbabilityCol(String c) {
        set(probabilityCol, c);
        return this;
    }

    void setTrainingLosses(List<Double> l, double sps) {
        this.losses = List.copyOf(l);
        this.samplesPerSecond = sps;
    }

    /** The mean training loss of each epoch of the run that made this model (empty if loaded). */
    public List<Double> trainingLosses() {
        return losses;
    }

    /** Training samples per second of the run that made this model (0 if loaded). */
    public double trainingSamplesPerSecond() {
        return samplesPerSecond;
    }

    /** Where the model's class comes from. */
    public ModelSource source() {
        return source;
    }

    /** The trained parameters (a copy), laid out as the model class's {@code params()}. */
    public float[] parameters() {
        return params.clone();
    }

    /** The preprocessing stage, as the weights file's metadata holds it. */
    public Map<String, String> preprocessingMetadata() {
        return java.util.Collections.unmodifiableMap(preprocessing);
    }

    /** A model instance with the trained parameters and buffers loaded. */
    public TrainableModel instance() {
        TrainableModel m = source.newModel();
        load(m, params, buffers);
        return m;
    }

    private static void load(TrainableModel m, float[] params, float[] buffers) {
        System.arraycopy(params, 0, m.params(), 0, params.length);
        System.arraycopy(buffers, 0, m.buffers(), 0, buffers.length);
    }

    /** True when the model answers with classes (as {@code nnc predict} decides). */
    static boolean classifies(TrainableModel m) {
        ModelSpec.Loss loss = m.spec().loss();
        return loss == ModelSpec.Loss.CROSS_ENTROPY && m.outputSize() > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && m.outputSize() == 1;
    }

    /** The one-hot encoding of the saved stage, or null: rows are then a features vector. */
    private OneHot oneHot() {
        String h = preprocessing.get(Preprocessing.ONE_HOT);
        return h == null ? null : OneHot.decode(h);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        NncEstimator.refuseDifferenced(source.newModel());
        OneHot h = oneHot();
        if (h == null) {
            Columns.checkFeatures(schema, getOrDefault(featuresCol));
        } else {
            for (String c : h.columns()) {
                if (!java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
                    throw new IllegalArgumentException("no column '" + c + "': the model takes "
                            + "the raw columns " + String.join(", ", h.columns())
                            + " (categorical columns one-hot encoded); the columns are "
                            + String.join(", ", schema.fieldNames()));
                }
            }
        }
        return outputSchema(schema, source.newModel(), getOrDefault(predictionCol),
                getOrDefault(probabilityCol));
    }

    /** {@code schema} with the columns {@code transform} adds for model {@code m}. */
    static StructType outputSchema(StructType schema, TrainableModel m, String prediction,
            String probability) {
        boolean classify = classifies(m);
        StructType out = schema.add(prediction, classify || m.outputSize() == 1
                ? Columns.doubleType() : Columns.vectorType(), false);
        if (classify) {
            out = out.add(probability, Columns.vectorType(), false);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        StructType schema = df.schema();
        OneHot h = oneHot();
        String colName = getOrDefault(featuresCol);
        int[] cols = h == null ? new int[] {schema.fieldIndex(colName)}
                : h.columns().stream().mapToInt(schema::fieldIndex).toArray();
        DataType[] types = new DataType[cols.length];
        for (int j = 0; j < cols.length; j++) {
            types[j] = schema.fields()[cols[j]].dataType();
        }
        StructType added = new StructType(java.util.Arrays.copyOfRange(outSchema.fields(),
                schema.size(), outSchema.size()));
        SparkSession spark = df.sparkSession();
        Broadcast<Weights> w = new org.apache.spark.api.java.JavaSparkContext(
                spark.sparkContext()).broadcast(new Weights(params, buffers, preprocessing));
        ModelSource s = source;
        // Spark's internal rows both ways: no external Row, boxed value or converted column.
        JavaRDD<InternalRow> rows = df.queryExecution().toRdd().toJavaRDD().mapPartitions(
                it -> new Scoring(it, s, w.value(), cols, types, colName, added));
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(
                rows.rdd(), outSchema, false);
    }

    /** What executors need to score: the trained arrays and the stage. */
    record Weights(float[] params, float[] buffers, TreeMap<String, String> preprocessing)
            implements java.io.Serializable {
    }

    /**
     * The scored rows of a partition: its rows in blocks of {@link #CHUNK}, each block's inputs
     * read from Spark's internal rows and predicted at once by {@link Predictor} (each row gets
     * the bits it gets alone), each row given back joined to its added columns.
     */
    private static final class Scoring implements Iterator<InternalRow> {
        private final Iterator<InternalRow> it;
        private final Predictor p;
        private final OneHot h;
        private final boolean classify;
        private final int[] cols;
        private final DataType[] types;
        private final String colName;
        private final double[][] x;
        private final InternalRow[] pending = new InternalRow[CHUNK];
        private final SpecificInternalRow extra;
        private final JoinedRow joined = new JoinedRow();
        private List<Prediction> classes;
        private double[][] outs;
        private int count;
        private int next;

        Scoring(Iterator<InternalRow> it, ModelSource source, Weights w, int[] cols,
                DataType[] types, String colName, StructType added) {
            TrainableModel m = source.newModel();
            load(m, w.params(), w.buffers());
            this.it = it;
            this.p = new Predictor(m, Preprocessing.fromMetadata(w.preprocessing(), m));
            this.h = p.preprocessing().oneHot();
            this.classify = classifies(m);
            this.cols = cols;
            this.types = types;
            this.colName = colName;
            this.x = h != null ? new double[CHUNK][] : new double[CHUNK][m.inputSize()];
            this.extra = new SpecificInternalRow(added);
        }

        @Override
        public boolean hasNext() {
            if (next < count) {
                return true;
            }
            next = 0;
            count = 0;
            while (count < CHUNK && it.hasNext()) {
                // the rows of a block are kept until it is predicted: copies, as Spark reuses
                InternalRow row = it.next().copy();
                pending[count] = row;
                if (h != null) {
                    x[count] = h.encode(Columns.external(row, cols, types));
                } else {
                    Columns.values(row, cols[0], types[0], colName, x[count].length,
                            x[count], 0);
                }
                refuseMissing(x[count]);
                count++;
            }
            if (count == 0) {
                return false;
            }
            double[][] in = count == CHUNK ? x : java.util.Arrays.copyOf(x, count);
            if (classify) {
                classes = p.classify(in);
            } else {
                outs = p.predict(in);
            }
            return true;
        }

        /**
         * Refuses a row with a missing value (NaN) at an input the saved stage does not fill, for
         * the reason {@code nnc predict} and {@code nnc serve} give
         * ({@link Predictor#missingRefusal}), rather than scoring it NaN.
         */
        private void refuseMissing(double[] in) {
            for (int j = 0; j < in.length; j++) {
                if (Double.isNaN(in[j])) {
                    String refused = p.missingRefusal(j);
                    if (refused != null) {
                        throw new IllegalArgumentException("a row to score has a missing value"
                                + " (NaN) at input " + (j + 1) + ", but " + refused);
                    }
                }
            }
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            int r = next++;
            if (classify) {
                Prediction pr = classes.get(r);
                extra.setDouble(0, pr.label());
                extra.update(1, Columns.vector(pr.probabilities()));
            } else if (outs[r].length == 1) {
                extra.setDouble(0, outs[r][0]);
            } else {
                extra.update(0, Columns.vector(outs[r]));
            }
            InternalRow row = pending[r];
            pending[r] = null;
            return joined.apply(row, extra);
        }
    }

    @Override
    public NncModel copy(ParamMap extra) {
        NncModel m = new NncModel(uid, source, params, buffers, preprocessing);
        m.losses = losses;
        m.samplesPerSecond = samplesPerSecond;
        copyValues(m, extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new NncModelIO.Writer(this, params, buffers);
    }

    /** Reads a model saved with {@code write().save(path)}. */
    public static MLReader<NncModel> read() {
        return new NncModelIO.Reader();
    }

    /** Loads a model saved with {@code write().save(path)}. */
    public static NncModel load(String path) {
        return read().load(path);
    }
}
