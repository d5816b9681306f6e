package dev.nnc.spark;

import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.TrainableModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
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
 * <p>{@code write().save(dir)} writes Spark ML's metadata, the weights as
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
        OneHot h = oneHot();
        int col = h != null ? -1 : df.schema().fieldIndex(getOrDefault(featuresCol));
        String colName = getOrDefault(featuresCol);
        int[] raw = h == null ? null
                : h.columns().stream().mapToInt(df.schema()::fieldIndex).toArray();
        SparkSession spark = df.sparkSession();
        Broadcast<Weights> w = new org.apache.spark.api.java.JavaSparkContext(
                spark.sparkContext()).broadcast(new Weights(params, buffers, preprocessing));
        ModelSource s = source;
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(
                it -> score(it, s, w.value(), col, colName, raw));
        return spark.createDataFrame(rows, outSchema);
    }

    /** What executors need to score: the trained arrays and the stage. */
    record Weights(float[] params, float[] buffers, TreeMap<String, String> preprocessing)
            implements java.io.Serializable {
    }

    private static Iterator<Row> score(Iterator<Row> it, ModelSource source, Weights w, int col,
            String colName, int[] raw) {
        TrainableModel m = source.newModel();
        load(m, w.params(), w.buffers());
        Predictor p = new Predictor(m, Preprocessing.fromMetadata(w.preprocessing(), m));
        OneHot h = p.preprocessing().oneHot();
        boolean classify = classifies(m);
        int in = m.inputSize();
        return new Iterator<>() {
            private final List<Row> pending = new ArrayList<>(CHUNK);
            private final List<Row> ready = new ArrayList<>(CHUNK);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                ready.clear();
                next = 0;
                pending.clear();
                while (pending.size() < CHUNK && it.hasNext()) {
                    pending.add(it.next());
                }
                if (pending.isEmpty()) {
                    return false;
                }
                double[][] x = new double[pending.size()][in];
                for (int r = 0; r < x.length; r++) {
                    if (h != null) {
                        Object[] values = new Object[raw.length];
                        for (int j = 0; j < raw.length; j++) {
                            values[j] = pending.get(r).get(raw[j]);
                        }
                        x[r] = h.encode(values);
                    } else {
                        Columns.values(pending.get(r), col, colName, in, x[r], 0);
                    }
                }
                if (classify) {
                    List<Prediction> preds = p.classify(x);
                    for (int r = 0; r < x.length; r++) {
                        Prediction pr = preds.get(r);
                        ready.add(append(pending.get(r), pr.label(),
                                Vectors.dense(pr.probabilities())));
                    }
                } else {
                    double[][] outs = p.predict(x);
                    for (int r = 0; r < x.length; r++) {
                        Object v = outs[r].length == 1 ? (Object) outs[r][0]
                                : Vectors.dense(outs[r]);
                        ready.add(append(pending.get(r), v));
                    }
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    private static Row append(Row row, Object... extra) {
        Object[] v = new Object[row.length() + extra.length];
        for (int i = 0; i < row.length(); i++) {
            v[i] = row.get(i);
        }
        System.arraycopy(extra, 0, v, row.length(), extra.length);
        return RowFactory.create(v);
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
