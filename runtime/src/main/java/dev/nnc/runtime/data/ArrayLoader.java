package dev.nnc.runtime.data;

import static dev.nnc.runtime.data.Targets.count;
import static dev.nnc.runtime.data.Targets.targets;

import dev.nnc.runtime.data.Targets.Labels;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The loader of the array sources {@code idx(...)}, {@code npy(...)} and {@code npz(...)}: the
 * features array has the samples along its first dimension; the rest of its shape is flattened
 * and must hold as many values as the model's input ({@code [N,28,28]} and {@code [N,784]} both
 * fit {@code [784]} and {@code [1,28,28]}); the labels array is {@code [N]} or {@code [N,k]}.
 */
final class ArrayLoader {
    private ArrayLoader() {
    }

    static LoadedData idx(Path file, DataSource.Idx src, int inputSize, int outputSize,
            ModelSpec.Loss loss, ClassLabels classesOrNull) {
        return arrays(IdxReader.read(file), IdxReader.read(companion(file, src.path(),
                src.labelFile())), src, inputSize, outputSize, loss, classesOrNull);
    }

    static LoadedData npy(Path file, DataSource.Npy src, int inputSize, int outputSize,
            ModelSpec.Loss loss, ClassLabels classesOrNull) {
        return arrays(NpyReader.read(file), NpyReader.read(companion(file, src.path(),
                src.labelFile())), src, inputSize, outputSize, loss, classesOrNull);
    }

    static LoadedData npz(Path file, DataSource.Npz src, int inputSize, int outputSize,
            ModelSpec.Loss loss, ClassLabels classesOrNull) {
        try (NpzReader z = NpzReader.open(file)) {
            NdArray x = z.read(src.xArray());
            return arrays(x, z.read(src.yArray()), src, inputSize, outputSize, loss,
                    classesOrNull);
        }
    }

    /**
     * Features from {@code xa}, labels from {@code ya}; both have the samples along their first
     * dimension.
     */
    private static LoadedData arrays(NdArray xa, NdArray ya, DataSource src,
            int inputSize, int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        NdArray.Header xh = xa.header();
        NdArray.Header yh = ya.header();
        String fit = DataLoader.fits(xh, yh, inputSize);
        if (fit != null) {
            throw new DataException(fit);
        }
        int n = xh.shape()[0];
        int w = (int) yh.sampleSize();
        float[] x = xa.toFloats(src.scale());
        Labels l = new Labels(ya.toDoubles(), w, (r, j) -> yh.source() + ": sample " + r
                + (w == 1 ? "" : ", label " + j) + ": ", yh.source(), yh.source() + " has "
                + count(w, "label") + " per sample (shape " + yh.shapeText() + ")");
        return targets(x, n, inputSize, l, outputSize, loss, classesOrNull, List.of(), List.of());
    }

    /**
     * The label file of a two-file source, resolved as {@link #load} describes.
     */
    static Path companion(Path file, String path, String labelFile) {
        Path other = Path.of(labelFile);
        if (other.isAbsolute()) {
            return other.normalize();
        }
        Path main = Path.of(path);
        Path abs = file.toAbsolutePath().normalize();
        if (!main.isAbsolute()) {
            for (Path b = abs.getParent(); b != null; b = b.getParent()) {
                if (b.resolve(main).normalize().equals(abs)) {
                    return b.resolve(other).normalize();
                }
            }
        }
        Path dir = abs.getParent();
        return dir == null ? other : dir.resolve(other).normalize();
    }

}
