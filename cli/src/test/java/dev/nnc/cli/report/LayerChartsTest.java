package dev.nnc.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.Rng;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.Training;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pictures of what the layers see, read back from their PNG files: one grid cell per layer
 * (or weight tensor) and chosen epoch, each with its bars drawn.
 */
class LayerChartsTest {
    /** 3 → dense 6 → relu → dense 4 → tanh → dense 2 → softmax, trained 8 epochs. */
    private static final String SRC = "model Watch {\n input [3]\n dense(6) -> relu\n"
            + " dense(4) -> tanh\n dense(2) -> softmax\n loss cross_entropy\n"
            + " optimizer sgd(lr: 0.5)\n seed 3\n train { epochs: 8, batch: 5 }\n}\n";
    private static final int BAR = 0x1f77b4;

    @TempDir
    static Path dir;
    static LayerHistograms watched;
    static List<LayerCharts.Image> images;

    @BeforeAll
    static void train() {
        Compilation c = NnCompiler.compile(new SourceFile(dir.resolve("watch.nn"), "watch.nn",
                SRC), NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Rng r = new Rng(4);
        int n = 40;
        float[] x = new float[n * 3];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) (2 * r.nextDouble() - 1);
            }
            y[i * 2 + (x[i * 3] * x[i * 3 + 1] > 0 ? 1 : 0)] = 1;
        }
        watched = new LayerHistograms(m, 32, 20);
        Training.run(m, null, Training.Options.defaults().withData(new Dataset(x, y, n, 3, 2),
                null).withListener(watched));
        images = LayerCharts.write(watched, dir);
    }

    private static BufferedImage read(String name) throws IOException {
        BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
        assertTrue(img != null, name + " does not decode");
        return img;
    }

    /** Asserts the grid's size, and bars in every cell of it. */
    private static void assertGrid(String name, int rows) throws IOException {
        BufferedImage img = read(name);
        int cols = watched.snapshots().size();
        int k = Charts.SCALE;
        assertEquals(k * (LayerCharts.LABEL + LayerCharts.CELL_W * cols + 10), img.getWidth(),
                name);
        assertEquals(k * (LayerCharts.HEAD + LayerCharts.CELL_H * rows + 10), img.getHeight(),
                name);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int x0 = k * (LayerCharts.LABEL + c * LayerCharts.CELL_W);
                int y0 = k * (LayerCharts.HEAD + r * LayerCharts.CELL_H);
                long bar = 0;
                for (int y = y0; y < y0 + k * LayerCharts.CELL_H; y++) {
                    for (int x = x0; x < x0 + k * LayerCharts.CELL_W; x++) {
                        if ((img.getRGB(x, y) & 0xffffff) == BAR) {
                            bar++;
                        }
                    }
                }
                assertTrue(bar > 20, name + ": cell " + r + "," + c + " has " + bar
                        + " bar pixels");
            }
        }
        // the title and the labels: dark text on white, left of the cells
        long dark = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < k * LayerCharts.LABEL; x++) {
                if ((img.getRGB(x, y) & 0xff) < 0x80) {
                    dark++;
                }
            }
        }
        assertTrue(dark > 100, name + ": no labels drawn");
    }

    @Test
    void theChosenEpochsAreTheColumns() {
        assertEquals(List.of(0, 1, 2, 4, 6, 8), watched.snapshots().stream()
                .map(LayerHistograms.Snapshot::epoch).toList());
        assertEquals(List.of("activations.png", "weights.png", "gradients.png"),
                images.stream().map(i -> i.file().getFileName().toString()).toList());
    }

    @Test
    void activationsHaveARowPerLayer() throws IOException {
        assertGrid("activations.png", 6);
    }

    @Test
    void weightsHaveARowPerWeightTensor() throws IOException {
        assertGrid("weights.png", 3);
    }

    @Test
    void gradientsHaveARowPerWeightTensor() throws IOException {
        assertGrid("gradients.png", 3);
    }

    @Test
    void thePageSectionShowsEachImageAtItsSize() throws IOException {
        String html = LayerCharts.html(images);
        assertTrue(html.startsWith("<h2>What the layers see</h2>"), html);
        for (LayerCharts.Image i : images) {
            BufferedImage img = read(i.file().getFileName().toString());
            assertTrue(html.contains("<img src=\"" + i.file().getFileName() + "\" width=\""
                    + img.getWidth() / Charts.SCALE + "\" height=\""
                    + img.getHeight() / Charts.SCALE + "\""), html);
        }
        assertEquals("", LayerCharts.html(List.of()));
        assertEquals(List.of(), LayerCharts.write(null, dir));
    }
}
