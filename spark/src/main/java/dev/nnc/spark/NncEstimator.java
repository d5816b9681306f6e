package dev.nnc.spark;

import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.TrainableModel;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML estimator that trains an nnc model data-parallel on a DataFrame and returns an
 * {@link NncModel}.
 *
 * <p>Example:
 * <pre>{@code
 * NncEstimator est = new NncEstimator()
 *         .setModelFile("fashion-mlp.nn")      // compiled on the driver; or setModelClass(...)
 *         .setFeaturesCol("pixels")            // a Spark ML vector or array<float> column
 *         .setLabelCol("label")
 *         .setMode("fast");                   // averages every 128 batches
 * NncModel model = est.fit(train);             // also a stage of a Pipeline
 * model.transform(test).select("prediction", "probability").show();
 * }</pre>
 *
 * <p>Unset, the epochs, the batch size, the seed and the input scale are those of the model's
 * {@code .nn} file. See {@link DistributedTraining} for the two modes.
 */
public final class NncEstimator extends Estimator<NncModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelFile;
    private final Param<String> modelClass;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> mode;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam averageEvery;
    private final BooleanParam warmup;
    private final LongParam seed;
    private final DoubleParam scale;
    private final IntParam checkpointEvery;
    private final Param<String> checkpointFile;
    private final Param<String> resumeFrom;
    private ModelSource source;
    private transient Consumer<double[]> onEpoch;
    private DistributedTraining.TaskProbe probe;
    private transient ModelSource compiled;
    private transient String compiledKey;

    public NncEstimator() {
        this(Identifiable$.MODULE$.randomUID("nncEstimator"));
    }

    public NncEstimator(String uid) {
        this.uid = uid;
        modelFile = new Param<>(this, "modelFile", "a .nn file, compiled on the driver");
        modelClass = new Param<>(this, "modelClass",
                "a generated model class on the classpath of driver and executors");
        featuresCol = new Param<>(this, "featuresCol", "features column (vector or array)");
        labelCol = new Param<>(this, "labelCol", "label column (number, vector or array)");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name");
        mode = new Param<>(this, "mode", "exact (synchronous SGD) or fast (parameter averaging)");
        epochs = new IntParam(this, "epochs", "epochs to train (default: the .nn file's)");
        batchSize = new IntParam(this, "batchSize", "global batch (exact) or each partition's"
                + " batch (fast); 0: all rows (default: the .nn file's)");
        averageEvery = new IntParam(this, "averageEvery",
                "fast mode: local batches between two averages; 0: one pass over the partition");
        warmup = new BooleanParam(this, "warmup", "each executor warms the JIT up on a copy of"
                + " the model while it reads its partitions");
        seed = new LongParam(this, "seed", "seed of initialization, orders and masks (default:"
                + " the .nn file's)");
        scale = new DoubleParam(this, "scale", "every raw input is divided by this first"
                + " (default: the .nn file's data scale)");
        checkpointEvery = new IntParam(this, "checkpointEvery", "write a checkpoint after every"
                + " this many epochs and after the last (0: none)");
        checkpointFile = new Param<>(this, "checkpointFile", "the checkpoint file, on the"
                + " driver's file system, in nnc's checkpoint format");
        resumeFrom = new Param<>(this, "resumeFrom", "a checkpoint to continue from");
        setDefault(checkpointEvery, 0);
        setDefault(checkpointFile, "");
        setDefault(resumeFrom, "");
        setDefault(modelFile, "");
        setDefault(modelClass, "");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(mode, "exact");
        setDefault(averageEvery, DistributedTraining.AVERAGE_EVERY);
        setDefault(warmup, true);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelFile() {
        return modelFile;
    }

    public Param<String> modelClass() {
        return modelClass;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> mode() {
        return mode;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam averageEvery() {
        return averageEvery;
    }

    public BooleanParam warmup() {
        return warmup;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam scale() {
        return scale;
    }

    public IntParam checkpointEvery() {
        return checkpointEvery;
    }

    public Param<String> checkpointFile() {
        return checkpointFile;
    }

    public Param<String> resumeFrom() {
        return resumeFrom;
    }

    /** Writes a checkpoint to {@code file} after every {@code n} epochs and after the last. */
    public NncEstimator setCheckpoints(int n, String file) {
        set(checkpointEvery, n);
        set(checkpointFile, file);
        return this;
    }

    /** Continues the run saved in the checkpoint {@code file}. */
    public NncEstimator setResumeFrom(String file) {
        set(resumeFrom, file);
        return this;
    }

    public NncEstimator setModelFile(String path) {
        set(modelFile, path);
        return this;
    }

    public NncEstimator setModelClass(String className) {
        set(modelClass, className);
        return this;
    }

    /** The model's class and bytecode, as given (instead of a file or a class name). */
    public NncEstimator setModelSource(ModelSource s) {
        this.source = s;
        return this;
    }

    public NncEstimator setFeaturesCol(String c) {
        set(featuresCol, c);
        return this;
    }

    public NncEstimator setLabelCol(String c) {
        set(labelCol, c);
        return this;
    }

    public NncEstimator setPredictionCol(String c) {
        set(predictionCol, c);
        return this;
    }

    public NncEstimator setProbabilityCol(String c) {
        set(probabilityCol, c);
        return this;
    }

    /** {@code exact} or {@code fast}. */
    public NncEstimator setMode(String m) {
        DistributedTraining.Mode.parse(m);
        set(mode, m);
        return this;
    }

    public NncEstimator setEpochs(int e) {
        set(epochs, e);
        return this;
    }

    public NncEstimator setBatchSize(int b) {
        set(batchSize, b);
        return this;
    }

    public NncEstimator setAverageEvery(int k) {
        set(averageEvery, k);
        return this;
    }

    /**
     * Whether each executor warms the JIT up on a copy of the model while it reads its
     * partitions (default true); the trained weights are the same either way.
     */
    public NncEstimator setWarmup(boolean on) {
        set(warmup, on);
        return this;
    }

    public NncEstimator setSeed(long s) {
        set(seed, s);
        return this;
    }

    public NncEstimator setScale(double s) {
        set(scale, s);
        return this;
    }

    /** Receives each epoch's number and mean training loss on the driver. */
    public NncEstimator setEpochListener(Consumer<double[]> listener) {
        this.onEpoch = listener;
        return this;
    }

    /** Runs in every training task before it computes (tests inject failures through it). */
    NncEstimator setTaskProbe(DistributedTraining.TaskProbe p) {
        this.probe = p;
        return this;
    }

    /**
     * The model's class: the given source, else the compiled file (compiled once while the file
     * does not change), else the named class.
     */
    ModelSource source() {
        if (source != null) {
            return source;
        }
        String file = getOrDefault(modelFile);
        String cls = getOrDefault(modelClass);
        if (!file.isEmpty() && !cls.isEmpty()) {
            throw new IllegalArgumentException("set either modelFile or modelClass, not both");
        }
        if (!file.isEmpty()) {
            Path p = Path.of(file).toAbsolutePath();
            String key = p + "@" + p.toFile().lastModified();
            if (!key.equals(compiledKey)) {
                compiled = ModelSource.compile(p);
                compiledKey = key;
            }
            return compiled;
        }
        if (!cls.isEmpty()) {
            return ModelSource.ofClass(cls);
        }
        throw new IllegalArgumentException("no model: set modelFile (a .nn file) or modelClass"
                + " (a generated class)");
    }

    /**
     * Refuses a model trained on a differenced series ({@code difference:} in its data block):
     * Spark trains and scores rows of a features vector, not series; it would neither difference
     * the windows nor add the last values back.
     */
    static void refuseDifferenced(TrainableModel m) {
        ModelSpec.Window w = Difference.of(m.spec());
        if (w != null) {
            throw new IllegalArgumentException("model " + m.name() + " forecasts a differenced "
                    + "series (difference: " + w.difference() + " in its data block), but "
                    + "nnc-spark trains and scores rows of a features vector, not series: it "
                    + "would neither difference the windows nor add the last values back; train "
                    + "and predict with nnc train and nnc predict, or nnc serve");
        }
    }

    @Override
    public NncModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        ModelSource s = source();
        TrainableModel probeModel = s.newModel();
        ModelSpec spec = probeModel.spec();
        DataSource src = spec.data().train();
        if (src instanceof DataSource.Csv csv && csv.categorical().any()) {
            throw new IllegalArgumentException("model " + probeModel.name() + " one-hot encodes"
                    + " the columns " + String.join(", ", csv.categorical().columns())
                    + " (categorical: in its data block), but NncEstimator trains on a features"
                    + " vector: encode the categories before it (e.g. with OneHotEncoder) and"
                    + " leave categorical: out of the .nn file, or train with nnc train");
        }
        refuseDifferenced(probeModel);
        double sc = isSet(scale) ? (Double) getOrDefault(scale) : src == null ? 1 : src.scale();
        int e = isSet(epochs) ? (Integer) getOrDefault(epochs) : spec.train().epochs();
        int b = isSet(batchSize) ? (Integer) getOrDefault(batchSize) : spec.train().batch();
        long sd = isSet(seed) ? (Long) getOrDefault(seed) : spec.seed();
        DistributedTraining.Settings settings = new DistributedTraining.Settings(
                DistributedTraining.Mode.parse(getOrDefault(mode)), e, b, sd,
                (Integer) getOrDefault(averageEvery), (Boolean) getOrDefault(warmup), probe);
        Dataset<Row> df = dataset.toDF();
        String ckFile = getOrDefault(checkpointFile);
        String resume = getOrDefault(resumeFrom);
        DistributedTraining.Checkpoints ck = new DistributedTraining.Checkpoints(
                (Integer) getOrDefault(checkpointEvery), ckFile.isEmpty() ? null : Path.of(ckFile),
                resume.isEmpty() ? null : Path.of(resume));
        DistributedTraining.Result r = DistributedTraining.train(s, df, getOrDefault(featuresCol),
                getOrDefault(labelCol), sc, settings, ck, onEpoch);
        NncModel m = new NncModel(uid, s, r.model().params().clone(),
                r.model().buffers().clone(), r.preprocessing().toMetadata());
        m.setFeaturesCol(getOrDefault(featuresCol));
        m.setPredictionCol(getOrDefault(predictionCol));
        m.setProbabilityCol(getOrDefault(probabilityCol));
        m.setTrainingLosses(r.losses(), r.samplesPerSecond());
        m.setParent(this);
        return m;
    }

    /** Checks the input columns and gives the schema the fitted model's output will have. */
    @Override
    public StructType transformSchema(StructType schema) {
        Columns.checkFeatures(schema, getOrDefault(featuresCol));
        Columns.checkLabel(schema, getOrDefault(labelCol));
        return NncModel.outputSchema(schema, source().newModel(), getOrDefault(predictionCol),
                getOrDefault(probabilityCol));
    }

    @Override
    public NncEstimator copy(ParamMap extra) {
        NncEstimator e = defaultCopy(extra);
        e.source = source;
        e.onEpoch = onEpoch;
        e.probe = probe;
        e.compiled = compiled;
        e.compiledKey = compiledKey;
        return e;
    }

    /** Reads an estimator saved with {@code write().save(path)}. */
    public static MLReader<NncEstimator> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads an estimator saved with {@code write().save(path)}. */
    public static NncEstimator load(String path) {
        return read().load(path);
    }
}
