package dev.nnc.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The one Spark session of the module's tests: two cores in this JVM, a failed task tried up to
 * four times (local mode retries nothing otherwise), bound to loopback, no UI. Created on first
 * use and shared by every test class of the run.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,4]")
                    .appName("nnc-spark-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("ERROR");
        }
        return session;
    }

    static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    /**
     * A DataFrame of {@code features: array<float>} and {@code label: double} in
     * {@code partitions} partitions of consecutive rows (row i in partition
     * {@code i * partitions / n}, as {@code parallelize} slices a list).
     *
     * <p>The rows are made on the executors from the arrays (sent once per job, as the job's
     * closure): a partition of {@code parallelize}d rows would carry them in every task of every
     * job of a training run, serialized as objects, a boxed number each.
     */
    static Dataset<Row> frame(float[] x, double[] labels, int in, int partitions) {
        int n = labels.length;
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        JavaRDD<Row> rows = jsc().parallelize(parts, partitions).flatMap(p -> {
            int from = (int) ((long) n * p / partitions);
            int to = (int) ((long) n * (p + 1) / partitions);
            List<Row> part = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                Float[] f = new Float[in];
                for (int j = 0; j < in; j++) {
                    f[j] = x[i * in + j];
                }
                part.add(RowFactory.create(f, labels[i]));
            }
            return part.iterator();
        });
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        return session().createDataFrame(rows, schema);
    }

    /** Writes {@code text} to a new {@code .nn} file under {@code dir}. */
    static Path nn(Path dir, String name, String text) {
        try {
            Path f = dir.resolve(name + ".nn");
            Files.writeString(f, text);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values of a probability column. */
    static double[] values(Row r, String col) {
        return ((Vector) r.getAs(col)).toArray();
    }
}
