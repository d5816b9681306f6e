package dev.nnc.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads model inputs and labels from Spark rows: a features column of Spark ML {@code Vector}s or
 * of numeric arrays ({@code array<float>}, {@code array<double>}, ...; an image as one flat
 * array, row-major in the model's input shape), and a label column of numbers (one label: a
 * class or a regression target) or of vectors/arrays (one value per model output).
 *
 * <p>Example: for a model of {@code input [1, 28, 28]}, a row whose features hold 784 floats
 * gives one sample; 783 floats is an error naming the row's column and both sizes.
 */
final class Columns {
    private Columns() {
    }

    /** Checks that {@code name} is a column of {@code schema} that can hold features. */
    static void checkFeatures(StructType schema, String name) {
        DataType t = field(schema, name, "features").dataType();
        if (!isVector(t) && !isNumericArray(t)) {
            throw new IllegalArgumentException("the features column '" + name + "' is of type "
                    + t.simpleString() + "; it must be a Spark ML vector or an array of numbers");
        }
    }

    /** Checks that {@code name} is a column of {@code schema} that can hold labels. */
    static void checkLabel(StructType schema, String name) {
        DataType t = field(schema, name, "label").dataType();
        if (!(t instanceof NumericType) && !isVector(t) && !isNumericArray(t)) {
            throw new IllegalArgumentException("the label column '" + name + "' is of type "
                    + t.simpleString() + "; it must be a number, a Spark ML vector or an array"
                    + " of numbers");
        }
    }

    private static StructField field(StructType schema, String name, String what) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no " + what + " column '" + name + "'; the columns"
                + " are " + String.join(", ", schema.fieldNames()));
    }

    private static boolean isVector(DataType t) {
        return t.equals(SQLDataTypes.VectorType());
    }

    private static boolean isNumericArray(DataType t) {
        return t instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    /**
     * Copies the values of column {@code col} of {@code row} into {@code dst[from..from+size)}.
     *
     * @throws IllegalArgumentException when the row holds another number of values, or a null
     */
    static void values(Row row, int col, String name, int size, double[] dst, int from) {
        Object v = row.get(col);
        if (v == null) {
            throw new IllegalArgumentException("column '" + name + "' is null in a row");
        }
        if (v instanceof Vector vec) {
            check(vec.size(), size, name);
            for (int j = 0; j < size; j++) {
                dst[from + j] = vec.apply(j);
            }
        } else if (v instanceof Number num) {
            check(1, size, name);
            dst[from] = num.doubleValue();
        } else {
            List<Object> list = row.getList(col);
            check(list.size(), size, name);
            for (int j = 0; j < size; j++) {
                Object e = list.get(j);
                if (e == null) {
                    throw new IllegalArgumentException("column '" + name + "' holds a null");
                }
                dst[from + j] = ((Number) e).doubleValue();
            }
        }
    }

    /**
     * {@link #values(Row, int, String, int, double[], int)} on Spark's internal form of a row, of
     * the column's {@code type}: the same values and errors, read where Spark holds them, with no
     * external row, boxed number or per-row array made on the way (training reads every row so).
     * A vector is the internal struct of Spark ML's vector type: (kind 0 sparse / 1 dense, size,
     * indices, values).
     */
    static void values(InternalRow row, int col, DataType type, String name, int size,
            double[] dst, int from) {
        if (row.isNullAt(col)) {
            throw new IllegalArgumentException("column '" + name + "' is null in a row");
        }
        if (isVector(type)) {
            InternalRow v = row.getStruct(col, 4);
            ArrayData vals = v.getArray(3);
            if (v.getByte(0) == 1) {
                check(vals.numElements(), size, name);
                for (int j = 0; j < size; j++) {
                    dst[from + j] = vals.getDouble(j);
                }
            } else {
                check(v.getInt(1), size, name);
                java.util.Arrays.fill(dst, from, from + size, 0.0);
                ArrayData idx = v.getArray(2);
                for (int k = 0; k < vals.numElements(); k++) {
                    dst[from + idx.getInt(k)] = vals.getDouble(k);
                }
            }
        } else if (type instanceof NumericType) {
            check(1, size, name);
            dst[from] = number(row, col, type);
        } else {
            DataType e = ((ArrayType) type).elementType();
            ArrayData a = row.getArray(col);
            check(a.numElements(), size, name);
            for (int j = 0; j < size; j++) {
                if (a.isNullAt(j)) {
                    throw new IllegalArgumentException("column '" + name + "' holds a null");
                }
                dst[from + j] = number(a, j, e);
            }
        }
    }

    /** Element {@code i} of an internal row or array of the numeric {@code type}, as a double. */
    private static double number(SpecializedGetters g, int i, DataType type) {
        if (type.equals(DataTypes.DoubleType)) {
            return g.getDouble(i);
        } else if (type.equals(DataTypes.FloatType)) {
            return g.getFloat(i);
        } else if (type.equals(DataTypes.IntegerType)) {
            return g.getInt(i);
        } else if (type.equals(DataTypes.LongType)) {
            return g.getLong(i);
        } else if (type.equals(DataTypes.ShortType)) {
            return g.getShort(i);
        } else if (type.equals(DataTypes.ByteType)) {
            return g.getByte(i);
        } else if (type instanceof DecimalType d) {
            return g.getDecimal(i, d.precision(), d.scale()).toJavaBigDecimal().doubleValue();
        }
        throw new IllegalArgumentException("not a number type: " + type.simpleString());
    }

    private static void check(int got, int want, String name) {
        if (got != want) {
            throw new IllegalArgumentException("column '" + name + "' holds " + got
                    + (got == 1 ? " value" : " values") + " in a row; the model needs " + want);
        }
    }

    /**
     * Spark's internal form of a dense Spark ML vector of {@code values} (the struct
     * {@link #values(InternalRow, int, DataType, String, int, double[], int)} reads): kind 1,
     * no size or indices, the values.
     */
    static InternalRow vector(double[] values) {
        GenericInternalRow v = new GenericInternalRow(4);
        v.setByte(0, (byte) 1);
        v.update(3, UnsafeArrayData.fromPrimitiveArray(values));
        return v;
    }

    /**
     * The values of columns {@code cols} (of {@code types}) of an internal row as an external
     * row holds them: text as a {@code String}, a number as a boxed number, null as null.
     */
    static Object[] external(InternalRow row, int[] cols, DataType[] types) {
        Object[] v = new Object[cols.length];
        for (int j = 0; j < cols.length; j++) {
            v[j] = row.isNullAt(cols[j]) ? null
                    : CatalystTypeConverters.convertToScala(row.get(cols[j], types[j]), types[j]);
        }
        return v;
    }

    /** The Spark type of a probability or multi-output column. */
    static DataType vectorType() {
        return SQLDataTypes.VectorType();
    }

    /** The Spark type of a single prediction. */
    static DataType doubleType() {
        return DataTypes.DoubleType;
    }
}
