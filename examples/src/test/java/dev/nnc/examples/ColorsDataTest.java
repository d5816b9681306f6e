package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.data.NdArray;
import dev.nnc.runtime.data.NpzReader;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image data sets of textbook chapter 18 ({@code 08-cnn/data/}): the generator
 * {@code tools/ColorsGen.java} is run (headless, as a single-file program) and must write the
 * same arrays as the committed archives, and those arrays must be what the recipes say. Colours
 * (18.1): 28×28 RGB images, channels first, one shape per image in one of six pure colours on
 * black, labels 0..5 balanced. Shapes (18.2): grey images, one shape in one grey level from 128
 * to 255, labels 0..4, 1000 and 200 of each. Shape and colour (18.3): RGB images of a shape in
 * red, green or blue, label = colour · 3 + shape, 600 and 100 of each.
 */
class ColorsDataTest {
    private static final Path TRAIN = Path.of("08-cnn/data/colors-train.npz");
    private static final Path TEST = Path.of("08-cnn/data/colors-test.npz");
    private static final int[][] COLORS = {
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {0, 255, 255}, {255, 0, 255},
    };

    @TempDir
    static Path out;

    @BeforeAll
    static void runGenerator() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = out.resolve("log.txt");
        Process p = new ProcessBuilder(java.toString(), "-Djava.awt.headless=true",
                "tools/ColorsGen.java", out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the generator did not finish in 2 minutes");
        assertEquals(0, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void generatorWritesTheCommittedArrays() {
        for (String name : new String[] {"colors-train.npz", "colors-test.npz",
            "shapes-train.npz", "shapes-test.npz", "shape-colors-train.npz",
            "shape-colors-test.npz"}) {
            Path fresh = out.resolve("08-cnn/data").resolve(name);
            Path committed = Path.of("08-cnn/data").resolve(name);
            for (String array : new String[] {"x", "y"}) {
                NdArray a = NpzReader.read(fresh, array);
                NdArray b = NpzReader.read(committed, array);
                assertEquals(b.header().shapeText(), a.header().shapeText(), name + ":" + array);
                assertArrayEquals(b.toFloats(1), a.toFloats(1), name + ":" + array);
            }
        }
    }

    @Test
    void trainingSetFollowsTheRecipe() {
        check(TRAIN, 5000, new int[] {835, 835, 835, 835, 830, 830});
    }

    @Test
    void testSetFollowsTheRecipe() {
        check(TEST, 1000, new int[] {170, 170, 165, 165, 165, 165});
    }

    @Test
    void shapesAreGreyAndBalanced() {
        checkShapes(Path.of("08-cnn/data/shapes-train.npz"), 5000);
        checkShapes(Path.of("08-cnn/data/shapes-test.npz"), 1000);
    }

    @Test
    void shapeColorsAreTheNineClassesInTheirColours() {
        checkShapeColors(Path.of("08-cnn/data/shape-colors-train.npz"), 5400);
        checkShapeColors(Path.of("08-cnn/data/shape-colors-test.npz"), 900);
    }

    /** One grey channel; every lit pixel of an image has its one grey level, 128..255. */
    private static void checkShapes(Path file, int n) {
        NdArray x = NpzReader.read(file, "x");
        NdArray y = NpzReader.read(file, "y");
        assertArrayEquals(new int[] {n, 1, 28, 28}, x.shape());
        int[] seen = new int[5];
        for (int i = 0; i < n; i++) {
            seen[(int) y.get(i)]++;
            int grey = -1;
            int lit = 0;
            for (int p = 0; p < 28 * 28; p++) {
                int v = (int) x.get((long) i * 28 * 28 + p);
                if (v != 0) {
                    assertTrue(grey < 0 || v == grey, file + ": image " + i + " has two greys");
                    grey = v;
                    lit++;
                }
            }
            assertTrue(grey >= 128 && grey <= 255, file + ": image " + i + " grey " + grey);
            assertTrue(lit >= 1, file + ": image " + i + " is black");
        }
        for (int c : seen) {
            assertEquals(n / 5, c, "images per shape");
        }
    }

    /** Every lit pixel has the colour of the label: red, green or blue (label / 3). */
    private static void checkShapeColors(Path file, int n) {
        NdArray x = NpzReader.read(file, "x");
        NdArray y = NpzReader.read(file, "y");
        assertArrayEquals(new int[] {n, 3, 28, 28}, x.shape());
        int[] seen = new int[9];
        int plane = 28 * 28;
        for (int i = 0; i < n; i++) {
            int label = (int) y.get(i);
            seen[label]++;
            int[] c = COLORS[label / 3];
            int lit = 0;
            for (int p = 0; p < plane; p++) {
                long base = (long) i * 3 * plane + p;
                int r = (int) x.get(base);
                int g = (int) x.get(base + plane);
                int b = (int) x.get(base + 2L * plane);
                if (r != 0 || g != 0 || b != 0) {
                    assertTrue(r == c[0] && g == c[1] && b == c[2], file + ": image " + i
                            + " (label " + label + ") pixel " + p + " is not its colour");
                    lit++;
                }
            }
            assertTrue(lit >= 1, file + ": image " + i + " is black");
        }
        for (int c : seen) {
            assertEquals(n / 9, c, "images per class");
        }
    }

    @Test
    void loadsAsTheInputOfAnImageModel() {
        // As npz("data/colors-train.npz", x: "x", y: "y") with scale: 255 loads it for a model
        // of input [3,28,28] with 6 softmax outputs and cross-entropy.
        DataSource src = DataSource.npz(TRAIN.toString(), "x", "y")
                .withScale(255);
        LoadedData d = DataLoader.load(TRAIN, src, 3 * 28 * 28, 6,
                ModelSpec.Loss.CROSS_ENTROPY, null);
        assertEquals(5000, d.dataset().size());
        assertEquals(6, d.classes().size());
        float max = 0;
        for (float v : d.dataset().x()) {
            assertTrue(v == 0f || v == 1f, "a pixel is 0 or 255 before scaling: " + v);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
        float[] y = d.dataset().y();
        float ones = 0;
        for (float v : y) {
            ones += v;
        }
        assertEquals(5000f, ones, "one-hot targets");
    }

    private static void check(Path file, int n, int[] counts) {
        NdArray x = NpzReader.read(file, "x");
        NdArray y = NpzReader.read(file, "y");
        assertEquals(NdArray.Type.UINT8, x.type());
        assertArrayEquals(new int[] {n, 3, 28, 28}, x.shape());
        assertArrayEquals(new int[] {n}, y.shape());
        int[] seen = new int[COLORS.length];
        int plane = 28 * 28;
        for (int i = 0; i < n; i++) {
            int label = (int) y.get(i);
            assertTrue(label >= 0 && label < COLORS.length, "label " + label + " of image " + i);
            seen[label]++;
            int lit = 0;
            for (int p = 0; p < plane; p++) {
                long base = (long) i * 3 * plane + p;
                int r = (int) x.get(base);
                int g = (int) x.get(base + plane);
                int b = (int) x.get(base + 2L * plane);
                if (r == 0 && g == 0 && b == 0) {
                    continue;
                }
                lit++;
                int[] c = COLORS[label];
                if (r != c[0] || g != c[1] || b != c[2]) {
                    throw new AssertionError(file + ": image " + i + " (label " + label
                            + ") has pixel " + p + " = (" + r + "," + g + "," + b
                            + "), neither black nor its colour");
                }
            }
            // A shape fits a box of 10 to 21 pixels a side.
            assertTrue(lit >= 20 && lit <= 21 * 21, "image " + i + " lights " + lit
                    + " pixels");
        }
        assertArrayEquals(counts, seen, "images per colour");
    }
}
