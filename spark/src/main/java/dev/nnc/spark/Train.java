package dev.nnc.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point: trains a {@code .nn} model on a Parquet or CSV path and
 * saves it as a Spark ML model directory.
 *
 * <pre>
 * spark-submit --class dev.nnc.spark.Train nnc-spark-all.jar \
 *     --model fashion-mlp.nn --data hdfs:///data/fmnist-train.parquet \
 *     --test hdfs:///data/fmnist-test.parquet --mode fast --output hdfs:///models/fmnist
 * </pre>
 *
 * A Parquet file gives its features column (a vector or an array of numbers, default
 * {@code features}) and label column (default {@code label}); a CSV file with a header gives
 * every column but the label as one feature each. Exit status 0 on success, 1 for an error in
 * the model or the data, 2 for a usage error.
 */
public final class Train {
    static final String USAGE = String.join("\n",
            "usage: Train --model FILE.nn --data PATH [options]",
            "  --model FILE.nn        the model, compiled on the driver",
            "  --model-class NAME     a generated model class on the classpath instead",
            "  --data PATH            training data: Parquet (a directory or .parquet) or .csv",
            "  --test PATH            data to score after training; prints the accuracy or RMSE",
            "  --features COL         features column of Parquet data (default: features)",
            "  --label COL            label column (default: label)",
            "  --mode exact|fast      synchronous SGD or parameter averaging (default: exact)",
            "  --epochs N             epochs (default: the .nn file's)",
            "  --batch N              global (exact) or per-partition (fast) batch",
            "  --average-every K      fast mode: local batches between averages (default: 128)",
            "  --seed S               seed (default: the .nn file's)",
            "  --warmup on|off        warm the JIT up while the data is read (default: on)",
            "  --partitions N         repartition the training data into N partitions first",
            "  --checkpoint FILE      write nnc checkpoints there (on the driver's disk)",
            "  --checkpoint-every N   after every N epochs and after the last (default: 1)",
            "  --resume FILE          continue the run saved in this checkpoint",
            "  --master URL           Spark master when not started by spark-submit",
            "  --output DIR           where to save the model (a Spark ML model directory)");

    private Train() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with {@code args}; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            }
            if (!KNOWN.contains(a) || i + 1 >= args.length) {
                err.println((KNOWN.contains(a) ? "option " + a + " needs a value"
                        : "unknown option '" + a + "'") + "\n" + USAGE);
                return 2;
            }
            opts.put(a.substring(2), args[++i]);
        }
        if (!opts.containsKey("data") || opts.containsKey("model") == opts.containsKey(
                "model-class")) {
            err.println("give --data and one of --model, --model-class\n" + USAGE);
            return 2;
        }
        try {
            SparkSession.Builder b = SparkSession.builder().appName("nnc train");
            if (opts.containsKey("master")) {
                b = b.master(opts.get("master"));
            }
            for (Map.Entry<String, String> c : defaults(System.getProperties()).entrySet()) {
                b = b.config(c.getKey(), c.getValue());
            }
            SparkSession spark = b.getOrCreate();
            // Spark's INFO lines would bury the epochs; --conf or log4j2.properties can say more.
            spark.sparkContext().setLogLevel("WARN");
            return train(spark, opts, out);
        } catch (Exception e) {
            // Spark's AnalysisException (a missing path, an unknown column) is checked for Java
            // but not declared: it arrives here too.
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The Spark settings this main gives its session where {@code conf} (the JVM's system
     * properties, where {@code spark-submit --conf} and {@code -Dspark.…} put them) sets none:
     * {@code spark.task.maxDirectResultSize} of {@value #DIRECT_RESULT}, so that a task's result
     * (in fast mode the parameters and the optimizer's state: 1.3 MB for the Fashion-MNIST MLP
     * with Adam) reaches the driver in the task's own message, as Spark sends results of up to
     * 1 MiB by default.
     *
     * <p>NOTE: why. A larger result goes through the executor's block manager, which the driver
     * then fetches: in local mode that took 60 to 130 ms a round of fast mode, beside the rounds'
     * 0.2 to 0.4 s of training (fmnist_mlp, one pass per round, bench/run-spark.sh; measured by
     * the tasks' and the driver's clocks). Spark caps the value at {@code
     * spark.rpc.message.maxSize} (128 MiB by default).
     */
    static Map<String, String> defaults(java.util.Properties conf) {
        Map<String, String> d = new java.util.TreeMap<>();
        if (conf.getProperty(DIRECT_RESULT_KEY) == null) {
            d.put(DIRECT_RESULT_KEY, DIRECT_RESULT);
        }
        return d;
    }

    static final String DIRECT_RESULT_KEY = "spark.task.maxDirectResultSize";
    static final String DIRECT_RESULT = "128m";

    private static final List<String> KNOWN = List.of("--model", "--model-class", "--data",
            "--test", "--features", "--label", "--mode", "--epochs", "--batch",
            "--average-every", "--seed", "--warmup", "--partitions", "--checkpoint",
            "--checkpoint-every", "--resume", "--master", "--output");

    private static int train(SparkSession spark, Map<String, String> o, PrintStream out) {
        String label = o.getOrDefault("label", "label");
        NncEstimator est = new NncEstimator().setLabelCol(label)
                .setMode(o.getOrDefault("mode", "exact"));
        if (o.containsKey("model")) {
            est.setModelFile(o.get("model"));
        } else {
            est.setModelClass(o.get("model-class"));
        }
        est.setModelSource(est.source()); // the model's errors before the data's
        Dataset<Row> train = read(spark, o.get("data"), label, o);
        if (o.containsKey("partitions")) {
            train = train.repartition(number(o, "partitions"));
        }
        est.setFeaturesCol(featuresOf(o));
        if (o.containsKey("epochs")) {
            est.setEpochs(number(o, "epochs"));
        }
        if (o.containsKey("batch")) {
            est.setBatchSize(number(o, "batch"));
        }
        if (o.containsKey("average-every")) {
            est.setAverageEvery(number(o, "average-every"));
        }
        if (o.containsKey("warmup")) {
            String w = o.get("warmup");
            if (!w.equals("on") && !w.equals("off")) {
                throw new IllegalArgumentException("--warmup takes on or off, not '" + w + "'");
            }
            est.setWarmup(w.equals("on"));
        }
        if (o.containsKey("seed")) {
            est.setSeed(Long.parseLong(o.get("seed")));
        }
        if (o.containsKey("checkpoint")) {
            est.setCheckpoints(o.containsKey("checkpoint-every") ? number(o, "checkpoint-every")
                    : 1, o.get("checkpoint"));
        }
        if (o.containsKey("resume")) {
            est.setResumeFrom(o.get("resume"));
        }
        est.setEpochListener(e -> out.printf(Locale.ROOT, "epoch %d  loss %.4f%n", (int) e[0],
                e[1]));
        NncModel model = est.fit(train);
        out.printf(Locale.ROOT, "trained in %s mode: %.0f samples/s%n",
                o.getOrDefault("mode", "exact"), model.trainingSamplesPerSecond());
        if (o.containsKey("test")) {
            Dataset<Row> scored = model.transform(read(spark, o.get("test"), label, o));
            boolean classify = NncModel.classifies(model.source().newModel());
            if (classify) {
                long n = scored.count();
                long right = scored.filter(scored.col("prediction").equalTo(scored.col(label)))
                        .count();
                out.printf(Locale.ROOT, "test_accuracy %.4f (%d rows)%n", (double) right / n, n);
            } else if (scored.schema().apply("prediction").dataType().equals(
                    Columns.doubleType())) {
                Row r = scored.selectExpr("sqrt(avg(pow(prediction - " + label + ", 2)))",
                        "count(*)").first();
                out.printf(Locale.ROOT, "test_rmse %.4f (%d rows)%n", r.getDouble(0),
                        r.getLong(1));
            }
        }
        if (o.containsKey("output")) {
            try {
                model.write().overwrite().save(o.get("output"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot save to " + o.get("output") + ": "
                        + e.getMessage(), e);
            }
            out.println("model saved to " + o.get("output"));
        }
        return 0;
    }

    private static String featuresOf(Map<String, String> o) {
        return o.get("data").toLowerCase(Locale.ROOT).endsWith(".csv") ? "features"
                : o.getOrDefault("features", "features");
    }

    /** Parquet as it is; CSV with a header, every column but the label assembled into one. */
    private static Dataset<Row> read(SparkSession spark, String path, String label,
            Map<String, String> o) {
        if (!path.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return spark.read().parquet(path);
        }
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(path);
        List<String> features = new ArrayList<>();
        for (String c : csv.columns()) {
            if (!c.equals(label)) {
                features.add(c);
            }
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(path + " has no column but the label '" + label
                    + "'");
        }
        return new VectorAssembler().setInputCols(features.toArray(new String[0]))
                .setOutputCol("features").transform(csv);
    }

    private static int number(Map<String, String> o, String key) {
        try {
            return Integer.parseInt(o.get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " takes a whole number, not '"
                    + o.get(key) + "'");
        }
    }
}
