package dev.nnc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.LayerInfo;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Histogram;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Textbook 15.1, what initialization does to the layers: the five files of
 * {@code 07-deep/init/} (784 → 5 × dense 100 → 10 on Fashion-MNIST) each watched by
 * {@link LayerHistograms} over one short epoch, and the histograms of the initial model show the
 * book's pictures: sigmoid saturated by normal(std: 1) weights, spread by xavier; relu outputs
 * shrinking from layer to layer under xavier and keeping their spread under he; zero weights
 * giving every unit the same output and no gradient but the last layer's.
 */
class InitExamplesTest {
    /** What one watched run saw. */
    private record Seen(List<LayerInfo> layers, LayerHistograms.Snapshot initial,
            LayerHistograms.Snapshot after) {
        /** The histograms of the layers of {@code kind}, in order, of the initial model. */
        List<Histogram> of0(String kind) {
            return of(initial, kind);
        }

        /** The histograms of the layers of {@code kind}, in order, at {@code s}. */
        List<Histogram> of(LayerHistograms.Snapshot s, String kind) {
            List<Histogram> l = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i).kind().equals(kind)) {
                    l.add(s.activations().get(i));
                }
            }
            return l;
        }
    }

    /** Trains {@code 07-deep/init/<name>} one epoch on its first 2,000 training images. */
    private static Seen watch(String name) {
        Assumptions.assumeTrue(Files.isDirectory(DeepExamplesTest.FASHION),
                "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist");
        Path file = Path.of("07-deep/init", name).toAbsolutePath();
        Compilation c = NnCompiler.compile(file, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        DataSource src = m.spec().data().train();
        Dataset all = DataLoader.load(file.getParent().resolve(src.path()),
                src.resolve(file.getParent()), m.inputSize(), m.outputSize(), m.spec().loss(),
                null).dataset();
        int[] idx = new int[2000];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        LayerHistograms h = new LayerHistograms(m);
        Training.run(m, file.getParent(), Training.Options.defaults().withEpochs(1)
                .withData(all.subset(idx, 0, idx.length), null).withListener(h));
        List<LayerHistograms.Snapshot> s = h.snapshots();
        assertEquals(List.of(0, 1), s.stream().map(LayerHistograms.Snapshot::epoch).toList());
        for (int i = 0; i < h.layers().size(); i++) {
            assertEquals(256L * h.layers().get(i).size(), s.get(0).activations().get(i).total());
        }
        return new Seen(h.layers(), s.get(0), s.get(1));
    }

    /** The fraction of values within 0.05 of 0 or of 1: a saturated sigmoid. */
    private static double saturated(Histogram h) {
        return h.fractionWithin(Double.NEGATIVE_INFINITY, 0.05)
                + h.fractionWithin(0.95, Double.POSITIVE_INFINITY);
    }

    /**
     * Figure 15-1: N(0, 1) weights push every sigmoid layer's outputs to 0 and 1. Measured
     * (seed 1): 0.80, 0.67, 0.74, 0.71, 0.62 of the values within 0.05 of either end.
     */
    @Test
    void normalWeightsSaturateTheSigmoids() {
        Seen s = watch("sigmoid-normal.nn");
        List<Histogram> sig = s.of(s.initial(), "sigmoid");
        assertEquals(5, sig.size());
        for (Histogram h : sig) {
            assertTrue(saturated(h) >= 0.5, "saturated: " + saturated(h) + " " + h);
        }
    }

    /**
     * Figure 15-2: xavier keeps them off the ends (measured: none within 0.05 of 0 or 1), but
     * the gradient shrinks on its way back through five sigmoids: the standard deviations of the
     * weights' gradients, from the last layer down, measured 0.0139, 0.0016, 3.8e-4, 8.6e-5,
     * 2.0e-5, 6.5e-6.
     */
    @Test
    void xavierWeightsSpreadTheSigmoidsAndTheGradientVanishes() {
        Seen s = watch("sigmoid-xavier.nn");
        for (Histogram h : s.of(s.initial(), "sigmoid")) {
            assertTrue(saturated(h) <= 0.05, "saturated: " + saturated(h) + " " + h);
            assertTrue(h.std() > 0.05, "spread: " + h);
        }
        List<Histogram> g = s.initial().gradients();
        for (int i = 0; i < 5; i++) {
            assertTrue(g.get(i).std() < g.get(i + 1).std(), "dense" + (i + 1) + ".W: " + g);
        }
        assertTrue(g.get(0).std() < 1e-2 * g.get(5).std(), g.toString());
    }

    /**
     * Figures 15-3 and 15-4: under xavier the relu outputs shrink layer by layer (measured
     * standard deviations 0.390, 0.292, 0.207, 0.153, 0.104), under he they keep their spread
     * (0.385, 0.410, 0.474, 0.472, 0.454).
     */
    @Test
    void reluOutputsShrinkUnderXavierAndKeepTheirSpreadUnderHe() {
        List<Histogram> xavier = watch("relu-xavier.nn").of0("relu");
        List<Histogram> he = watch("relu-he.nn").of0("relu");
        for (int i = 1; i < 5; i++) {
            assertTrue(xavier.get(i).std() < xavier.get(i - 1).std(), "xavier layer " + i);
        }
        assertTrue(xavier.get(4).std() <= 0.4 * xavier.get(0).std(), xavier.toString());
        assertTrue(he.get(4).std() >= 0.8 * he.get(0).std(), he.toString());
    }

    /**
     * 15.1.1: with zero weights every sigmoid unit outputs 0.5 for every sample, and only the
     * last layer's weights get a gradient; after an epoch the hidden outputs are still all the
     * same (measured standard deviation 0).
     */
    @Test
    void zeroWeightsGiveEveryUnitTheSameOutputAndNoGradientButTheLast() {
        Seen s = watch("sigmoid-zero.nn");
        for (Histogram h : s.of(s.initial(), "sigmoid")) {
            assertEquals(0.5, h.mean(), 1e-7);
            assertEquals(0, h.std());
        }
        List<Histogram> g = s.initial().gradients();
        assertEquals(6, g.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(0, g.get(i).std(), "dense" + (i + 1) + ".W");
            assertEquals(0, g.get(i).mean(), "dense" + (i + 1) + ".W");
        }
        assertTrue(g.get(5).std() > 1e-4, "dense6.W: " + g.get(5));
        for (Histogram h : s.of(s.after(), "sigmoid")) {
            assertTrue(h.std() < 1e-3, "after an epoch: " + h);
        }
    }
}
