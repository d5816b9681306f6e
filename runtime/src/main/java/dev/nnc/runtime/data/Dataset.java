package dev.nnc.runtime.data;

import java.util.Arrays;

/**
 * A set of samples in memory: inputs and targets as two flat float arrays, sample after sample.
 *
 * <p>Example: the XOR table is {@code new Dataset(new float[] {0,0, 0,1, 1,0, 1,1},
 * new float[] {0, 1, 1, 0}, 4, 2, 1)}; sample 2 is {@code x[4..6) = {1, 0}} with target
 * {@code y[2] = 1}.
 *
 * <p>The arrays are shared, not copied: normalizing them in place (see {@link Normalizer#apply})
 * changes the dataset. Use {@link #copy()} to keep an original.
 */
public final class Dataset {
    private final float[] x;
    private final float[] y;
    private final int size;
    private final int inputSize;
    private final int outputSize;
    private float[] base;

    /**
     * A dataset of {@code size} samples over the first {@code size * inputSize} floats of
     * {@code x} and the first {@code size * outputSize} of {@code y}.
     */
    public Dataset(float[] x, float[] y, int size, int inputSize, int outputSize) {
        if (size < 0 || inputSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("size " + size + ", inputSize " + inputSize
                    + ", outputSize " + outputSize + ": sizes must be positive");
        }
        if ((long) size * inputSize > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " floats, need "
                    + (long) size * inputSize);
        }
        if ((long) size * outputSize > y.length) {
            throw new IllegalArgumentException("y has " + y.length + " floats, need "
                    + (long) size * outputSize);
        }
        this.x = x;
        this.y = y;
        this.size = size;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
    }

    /** A dataset copied from rows: {@code x[i]} and {@code y[i]} are sample {@code i}. */
    public static Dataset of(double[][] x, double[][] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " input rows but " + y.length
                    + " target rows");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        int in = x[0].length;
        int out = y[0].length;
        float[] fx = new float[x.length * in];
        float[] fy = new float[y.length * out];
        for (int i = 0; i < x.length; i++) {
            copyRow(x[i], in, fx, i, "input");
            copyRow(y[i], out, fy, i, "target");
        }
        return new Dataset(fx, fy, x.length, in, out);
    }

    private static void copyRow(double[] row, int width, float[] dst, int i, String what) {
        if (row.length != width) {
            throw new IllegalArgumentException(what + " row " + i + " has " + row.length
                    + " values, row 0 has " + width);
        }
        for (int j = 0; j < width; j++) {
            dst[i * width + j] = (float) row[j];
        }
    }

    /** Inputs, {@code size * inputSize} floats used. Live, not a copy. */
    public float[] x() {
        return x;
    }

    /** Targets, {@code size * outputSize} floats used. Live, not a copy. */
    public float[] y() {
        return y;
    }

    /** Number of samples. */
    public int size() {
        return size;
    }

    /** Floats per input sample. */
    public int inputSize() {
        return inputSize;
    }

    /** Floats per target sample. */
    public int outputSize() {
        return outputSize;
    }

    /**
     * The values a differenced series adds back to each target (see
     * {@link dev.nnc.runtime.model.Difference}): {@code size * outputSize} floats, or
     * {@code null} when the targets are the data's own values.
     */
    public float[] base() {
        return base;
    }

    /** Sets {@link #base()} ({@code size * outputSize} floats) and returns this dataset. */
    public Dataset withBase(float[] b) {
        if (b != null && b.length < size * outputSize) {
            throw new IllegalArgumentException("base has " + b.length + " floats, need "
                    + size * outputSize);
        }
        this.base = b;
        return this;
    }

    /** A deep copy, trimmed to {@code size} samples. */
    public Dataset copy() {
        return new Dataset(Arrays.copyOf(x, size * inputSize), Arrays.copyOf(y, size * outputSize),
                size, inputSize, outputSize).withBase(base == null ? null
                        : Arrays.copyOf(base, size * outputSize));
    }

    /** A new dataset holding copies of the samples {@code indices[from..to)}, in that order. */
    public Dataset subset(int[] indices, int from, int to) {
        if (from < 0 || to > indices.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of "
                    + indices.length + " indices");
        }
        int n = to - from;
        float[] sx = new float[n * inputSize];
        float[] sy = new float[n * outputSize];
        gather(indices, from, n, sx, sy);
        float[] sb = null;
        if (base != null) {
            sb = new float[n * outputSize];
            for (int j = 0; j < n; j++) {
                System.arraycopy(base, indices[from + j] * outputSize, sb, j * outputSize,
                        outputSize);
            }
        }
        return new Dataset(sx, sy, n, inputSize, outputSize).withBase(sb);
    }

    /**
     * Copies the samples {@code idx[from..from+count)} into the batch buffers, sample {@code j}
     * of the batch at {@code xBuf[j * inputSize]} and {@code yBuf[j * outputSize]}. Allocates
     * nothing.
     *
     * <p>NOTE: in two passes. The first copies each sample's targets and the first and last of
     * its inputs, the second the rest of its inputs. Shuffled samples of a large training set
     * are far apart, each row on pages of its own, out of the caches and the TLB: copied a row
     * at a time, the misses of a row's first lines were waited for row by row; the first pass
     * starts those of all the rows at once (and of the pages a row spans, its first and last
     * value being on both of them), so that the second finds them under way or done. 64 shuffled
     * samples of 784 inputs and 10 targets out of 60,000 (Fashion-MNIST's shape): 0.73 of the time
     * of one pass (median ratio of 20 alternating rounds, AMD EPYC Zen 5).
     */
    public void gather(int[] idx, int from, int count, float[] xBuf, float[] yBuf) {
        gather(idx, from, count, xBuf, yBuf, 0);
    }

    /**
     * {@link #gather(int[], int, int, float[], float[])} into rows {@code to .. to + count} of
     * the buffers: sample {@code j} at {@code xBuf[(to + j) * inputSize]} and {@code yBuf[(to +
     * j) * outputSize]}. Writes nothing else, so that parts of one batch can be gathered apart
     * (and at once, on several threads). Allocates nothing.
     */
    public void gather(int[] idx, int from, int count, float[] xBuf, float[] yBuf, int to) {
        int in = inputSize;
        int out = outputSize;
        for (int j = 0; j < count; j++) {
            int s = idx[from + j];
            if (s < 0 || s >= size) {
                throw new IndexOutOfBoundsException("sample " + s + " of " + size);
            }
            int r = to + j;
            if (in > 0) {
                xBuf[r * in] = x[s * in];
                xBuf[r * in + in - 1] = x[s * in + in - 1];
            }
            copy(y, s * out, yBuf, r * out, out);
        }
        if (in > 2) {
            for (int j = 0; j < count; j++) {
                int s = idx[from + j];
                copy(x, s * in + 1, xBuf, (to + j) * in + 1, in - 2);
            }
        }
    }

    /** NOTE: below 16 floats a plain loop beats System.arraycopy's call overhead. */
    private static void copy(float[] src, int from, float[] dst, int to, int n) {
        if (n < 16) {
            for (int k = 0; k < n; k++) {
                dst[to + k] = src[from + k];
            }
        } else {
            System.arraycopy(src, from, dst, to, n);
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + size + " samples, " + inputSize + " -> " + outputSize + "]";
    }

    /**
     * Refuses data whose samples do not fit {@code model}'s input and output sizes; {@code what}
     * names the data ({@code training}, {@code test}).
     */
    public void checkShape(dev.nnc.runtime.model.Model model, String what) {
        if (inputSize() != model.inputSize() || outputSize() != model.outputSize()) {
            throw new dev.nnc.runtime.io.DataException("the " + what + " data has " + inputSize()
                    + " inputs and " + outputSize() + " outputs per sample, model "
                    + model.name() + " has " + model.inputSize() + " and " + model.outputSize());
        }
    }
}
