package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DataLoader} on IDX, NPY and NPZ sources. */
class ArrayDataLoaderTest {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    /** Three 2x2 images of bytes and their labels 3, 1, 3. */
    private DataSource idx() {
        TestArrays.write(dir, "img.gz", TestArrays.gzip(TestArrays.idxU8(new int[] {3, 2, 2},
                0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8)));
        TestArrays.write(dir, "lab", TestArrays.idxU8(new int[] {3}, 3, 1, 3));
        return DataSource.idx("img.gz", "lab");
    }

    private String error(DataSource src, int in, int out, Loss loss, ClassLabels classes) {
        return assertThrows(DataException.class, () -> DataLoader.load(dir.resolve(src.path()),
                src, in, out, loss, classes)).getMessage().replace(dir + "/", "");
    }

    @Test
    void nonFiniteOrOutOfRangeValuesAreErrorsNamingSampleAndValue() {
        String tail = "; data must be finite numbers";
        TestArrays.write(dir, "y.npy", TestArrays.npy("<f4", "(2,)", TestArrays.f32(0, 1)));
        TestArrays.write(dir, "x.npy", TestArrays.npy("<f4", "(2, 2)",
                TestArrays.f32(1, 2, 3, Float.NaN)));
        DataSource npy = DataSource.npy("x.npy", "y.npy");
        assertEquals("x.npy: sample 1, value 1 (element 3 of float32 [2,2]): NaN is not a"
                + " finite number" + tail, error(npy, 2, 1, Loss.MSE, null));
        TestArrays.write(dir, "x.npy", TestArrays.npy("<f8", "(2, 2)",
                TestArrays.f64(1, 1e39, 3, 4)));
        assertEquals("x.npy: sample 0, value 1 (element 1 of float64 [2,2]): 1.0E39 is out of"
                + " the range of a 32-bit float (at most about 3.4e38)" + tail,
                error(npy, 2, 1, Loss.MSE, null));
        TestArrays.write(dir, "x.npy", TestArrays.npy("<f4", "(2, 2)", TestArrays.f32(1, 2, 3,
                4)));
        TestArrays.write(dir, "y.npy", TestArrays.npy("<f8", "(2,)",
                TestArrays.f64(0, Double.NEGATIVE_INFINITY)));
        assertEquals("y.npy: sample 1 (element 1 of float64 [2]): -Infinity is not a finite"
                + " number" + tail, error(npy, 2, 1, Loss.MSE, null));

        java.nio.ByteBuffer be = java.nio.ByteBuffer.allocate(8);
        be.putFloat(1).putFloat(Float.POSITIVE_INFINITY);
        TestArrays.write(dir, "img", TestArrays.idx(0x0D, new int[] {2, 1}, be.array()));
        TestArrays.write(dir, "lab", TestArrays.idxU8(new int[] {2}, 0, 1));
        assertEquals("img: sample 1, value 0 (element 1 of float32 [2,1]): +Infinity is not a"
                + " finite number" + tail,
                error(DataSource.idx("img", "lab"), 1, 1, Loss.MSE, null));

        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", TestArrays.npy("<f4", "(2, 1)", TestArrays.f32(Float.NaN, 1)));
        arrays.put("y", TestArrays.npy("<f4", "(2,)", TestArrays.f32(0, 1)));
        TestArrays.write(dir, "d.npz", TestArrays.npz(arrays, true));
        assertEquals("d.npz:x: sample 0, value 0 (element 0 of float32 [2,1]): NaN is not a"
                + " finite number" + tail,
                error(DataSource.npz("d.npz", "x", "y"), 1, 1, Loss.MSE, null));
    }

    @Test
    void idxImagesBecomeScaledRowsAndClassLabelsOneHot() {
        DataSource src = idx().withScale(255);
        LoadedData d = DataLoader.load(dir.resolve("img.gz"), src, 4, 2, Loss.CROSS_ENTROPY,
                null);
        assertEquals(3, d.dataset().size());
        assertArrayEquals(new float[] {0, 0.2f, 0.4f, 1}, java.util.Arrays.copyOf(
                d.dataset().x(), 4));
        assertEquals(ClassLabels.of(1, 3), d.classes());
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1}, d.dataset().y());
    }

    @Test
    void theLabelFileResolvesLikeTheImages() {
        Path sub = dir.resolve("d");
        TestArrays.write(dir, "x.npy", TestArrays.npy("<f4", "(2, 1)", TestArrays.f32(1, 2)));
        try {
            Files.createDirectories(sub);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        TestArrays.write(sub, "y.npy", TestArrays.npy("<f4", "(2,)", TestArrays.f32(5, 6)));
        DataSource.Npy src = DataSource.npy("x.npy", "d/y.npy");
        LoadedData d = DataLoader.load(dir.resolve("x.npy"), src, 1, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {5, 6}, d.dataset().y());
        LoadedData r = DataLoader.load(dir.resolve("x.npy"), src.resolve(dir), 1, 1, Loss.MSE,
                null);
        assertArrayEquals(new float[] {5, 6}, r.dataset().y());
        assertEquals(sub.resolve("y.npy"), ArrayLoader.companion(dir.resolve("x.npy"), src.path(),
                src.labelFile()));
    }

    @Test
    void vectorAndImageShapesFitTheSameInput() {
        for (String shape : new String[] {"(2, 2, 2)", "(2, 4)", "(2, 1, 2, 2)"}) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("data", TestArrays.npy("<u1", shape, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            m.put("label", TestArrays.npy("<f8", "(2, 1)", TestArrays.f64(0, 1)));
            Path f = TestArrays.write(dir, "d.npz", TestArrays.npz(m, true));
            DataSource src = DataSource.npz("d.npz", DataSource.NPZ_X, DataSource.NPZ_Y);
            LoadedData d = DataLoader.load(f, src, 4, 1, Loss.BINARY_CROSS_ENTROPY, null);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, d.dataset().x(), shape);
            assertArrayEquals(new float[] {0, 1}, d.dataset().y(), shape);
            assertNull(d.classes());
        }
    }

    @Test
    void regressionTargetsAreTakenAsTheyAre() {
        TestArrays.write(dir, "x.npy", TestArrays.npy("<f8", "(2, 1)", TestArrays.f64(1, 2)));
        TestArrays.write(dir, "y.npy", TestArrays.npy("<f8", "(2, 2)",
                TestArrays.f64(0.5, -1, 7, 8)));
        LoadedData d = DataLoader.load(dir.resolve("x.npy"), DataSource.npy("x.npy", "y.npy"),
                1, 2, Loss.MSE, null);
        assertArrayEquals(new float[] {0.5f, -1, 7, 8}, d.dataset().y());
    }

    @Test
    void shapesThatDoNotFitTheModel() {
        DataSource src = idx();
        assertEquals("img.gz has samples of shape [2,2] (4 values) but the model has 784 inputs",
                error(src, 784, 2, Loss.CROSS_ENTROPY, null));
        TestArrays.write(dir, "lab", TestArrays.idxU8(new int[] {2}, 3, 1));
        assertEquals("img.gz has 3 samples but lab has 2 label rows",
                error(src, 4, 2, Loss.CROSS_ENTROPY, null));
        TestArrays.write(dir, "lab", TestArrays.idxU8(new int[] {3}, 3, 1, 2));
        assertEquals("found 3 classes (1, 2, 3) in lab but the model has 2 outputs",
                error(src, 4, 2, Loss.CROSS_ENTROPY, null));
        assertEquals("lab has 1 label per sample (shape [3]) but the model has 2 outputs",
                error(src, 4, 2, Loss.MSE, null));
        assertEquals("lab: sample 2: class 2 is not one of the training classes (1, 3)",
                error(src, 4, 2, Loss.CROSS_ENTROPY, ClassLabels.of(1, 3)));
        assertEquals("lab: sample 0: label 3 is not 0 or 1 (binary cross-entropy needs 0/1"
                + " labels)", error(src, 4, 1, Loss.BINARY_CROSS_ENTROPY, null));
    }

    @Test
    void aMissingNpzArrayNamesTheOthers() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x", TestArrays.npy("<f4", "(1, 1)", TestArrays.f32(1)));
        Path f = TestArrays.write(dir, "d.npz", TestArrays.npz(m, false));
        assertEquals("d.npz has no array 'data'; its arrays: x", error(DataSource.npz("d.npz",
                "data", "label"), 1, 1, Loss.MSE, null));
        assertTrue(Files.exists(f));
    }

    @Test
    void readFeaturesOfAModelTrainedOnArraysTakesEveryColumn() throws java.io.IOException {
        Path f = dir.resolve("p.csv");
        Files.writeString(f, "a,b,c,d\n255,0,51,102\n");
        assertArrayEquals(new double[] {255, 0, 51, 102}, DataLoader.readFeatures(f,
                idx().withScale(255), 4)[0]);
    }

    @Test
    void fashionMnist() {
        Path images = FASHION.resolve("train-images-idx3-ubyte.gz");
        Assumptions.assumeTrue(Files.isRegularFile(images), "dataset-fashion-mnist installed");
        DataSource src = DataSource.idx(images.toString(),
                FASHION.resolve("train-labels-idx1-ubyte.gz").toString()).withScale(255);
        LoadedData d = DataLoader.load(images, src, 784, 10, Loss.CROSS_ENTROPY, null);
        Dataset ds = d.dataset();
        assertEquals(60000, ds.size());
        assertEquals(784, ds.inputSize());
        assertEquals(ClassLabels.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), d.classes());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : ds.x()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        assertEquals(1f, ds.y()[9], "the first sample is an ankle boot, class 9");
        int[] perClass = new int[10];
        for (int i = 0; i < ds.size(); i++) {
            for (int k = 0; k < 10; k++) {
                perClass[k] += ds.y()[i * 10 + k] == 1 ? 1 : 0;
            }
        }
        for (int k = 0; k < 10; k++) {
            assertEquals(6000, perClass[k], "class " + k);
        }
        NdArray.Header test = IdxReader.header(FASHION.resolve("t10k-images-idx3-ubyte.gz"));
        assertArrayEquals(new int[] {10000, 28, 28}, test.shape());
    }
}
