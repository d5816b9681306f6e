package dev.nnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Training reads Spark's internal rows, scoring external {@link Row}s: both readers of
 * {@link Columns} give the same values and the same errors for every column type they take.
 */
class ColumnsTest {
    private static final StructType SCHEMA = new StructType()
            .add("dense", SQLDataTypes.VectorType())
            .add("sparse", SQLDataTypes.VectorType())
            .add("floats", DataTypes.createArrayType(DataTypes.FloatType))
            .add("doubles", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("ints", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("d", DataTypes.DoubleType)
            .add("f", DataTypes.FloatType)
            .add("i", DataTypes.IntegerType)
            .add("l", DataTypes.LongType)
            .add("s", DataTypes.ShortType)
            .add("b", DataTypes.ByteType)
            .add("dec", DataTypes.createDecimalType(10, 3));
    private static final int[] SIZES = {3, 5, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1};

    @Test
    void internalRowsReadAsRowsDo() {
        List<Row> rows = List.of(
                RowFactory.create(Vectors.dense(1.5, -2, 1e-7), Vectors.sparse(5, new int[] {1, 3},
                        new double[] {2.5, -1}), Arrays.asList(0.1f, 255f, -3.25f),
                        Arrays.asList(0.1, 1e300, -0.0), Arrays.asList(7, -9), 0.1, 0.1f, 42,
                        1L << 40, (short) -5, (byte) 9, new BigDecimal("1234.567")),
                RowFactory.create(null, null, null, null, null, null, null, null, null, null,
                        null, null),
                RowFactory.create(Vectors.dense(0, 0, 0), Vectors.sparse(5, new int[0],
                        new double[0]), Arrays.asList(1f, null, 2f), Arrays.asList(null, 1.0, 2.0),
                        Arrays.asList(1, null), 1.0, 1f, 1, 1L, (short) 1, (byte) 1,
                        new BigDecimal("-0.001")));
        Dataset<Row> df = TestSpark.session().createDataFrame(rows, SCHEMA);
        List<Row> external = df.collectAsList();
        List<InternalRow> internal = df.queryExecution().toRdd().toJavaRDD()
                .map(InternalRow::copy).collect();
        assertEquals(3, internal.size());
        int compared = 0;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < SIZES.length; c++) {
                StructField f = SCHEMA.fields()[c];
                for (int size : new int[] {SIZES[c], SIZES[c] + 1}) {
                    compared += same(external.get(r), internal.get(r), c, f.dataType(), f.name(),
                            size);
                }
            }
        }
        // values compared at each column's size: all 12 of the first row, none of the null row,
        // 9 of the third (its three arrays hold a null); every other case an error on both sides
        assertEquals(12 + 9, compared);
        double[] sparse = new double[5];
        Columns.values(internal.get(0), 1, SQLDataTypes.VectorType(), "sparse", 5, sparse, 0);
        assertArrayEquals(new double[] {0, 2.5, 0, -1, 0}, sparse);
    }

    /** Both readers give the same values (1) or throw the same message (0). */
    private static int same(Row ext, InternalRow in, int col, DataType type, String name,
            int size) {
        double[] a = new double[size + 2];
        double[] b = new double[size + 2];
        Arrays.fill(a, 7);
        Arrays.fill(b, 7);
        String errA = null;
        try {
            Columns.values(ext, col, name, size, a, 1);
        } catch (IllegalArgumentException e) {
            errA = e.getMessage();
        }
        if (errA != null) {
            String want = errA;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Columns.values(in, col, type, name, size, b, 1), name);
            assertEquals(want, e.getMessage(), name);
            return 0;
        }
        Columns.values(in, col, type, name, size, b, 1);
        assertArrayEquals(a, b, name);
        return 1;
    }
}
