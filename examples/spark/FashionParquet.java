// Writes Fashion-MNIST as Parquet for Spark: OUT/train.parquet and OUT/test.parquet, one row per
// image with features: array<float> (the 784 raw pixels 0..255, row-major 28×28) and
// label: double (0..9). The IDX files are read on the executors (each reads its range of
// images), so no image passes through the driver.
//
// run.sh compiles and runs it: FashionParquet OUT [N] (N: only the first N training and N test
// images; default all).

import dev.nnc.runtime.data.IdxReader;
import dev.nnc.runtime.data.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

public class FashionParquet {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    public static void main(String[] args) {
        String out = args[0];
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
        SparkSession spark = SparkSession.builder().appName("fashion-parquet")
                .master(System.getProperty("spark.master", "local[2]"))
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        write(spark, "train", Math.min(60_000, limit), out + "/train.parquet");
        write(spark, "t10k", Math.min(10_000, limit), out + "/test.parquet");
        spark.stop();
    }

    static void write(SparkSession spark, String set, int n, String path) {
        int parts = 4;
        List<int[]> ranges = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ranges.add(new int[] {n * p / parts, n * (p + 1) / parts});
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.DoubleType, false);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(jsc.parallelize(ranges, parts)
                .flatMap(r -> rows(set, r[0], r[1]).iterator()), schema)
                .write().mode(SaveMode.Overwrite).parquet(path);
        System.out.println("wrote " + n + " images to " + path);
    }

    static List<Row> rows(String set, int from, int to) {
        NdArray images = IdxReader.read(DATA.resolve(set + "-images-idx3-ubyte.gz"));
        NdArray labels = IdxReader.read(DATA.resolve(set + "-labels-idx1-ubyte.gz"));
        List<Row> rows = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            float[] px = new float[784];
            for (int j = 0; j < 784; j++) {
                px[j] = (float) images.get((long) i * 784 + j);
            }
            rows.add(RowFactory.create(px, labels.get(i)));
        }
        return rows;
    }
}
