package dev.nnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.data.Normalizer;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.LinearTestModel;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.model.Rng;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
    @TempDir
    Path dir;

    private static LinearTestModel model(String name, int in, int out) {
        return model(name, in, out, ModelSpec.DataSpec.none());
    }

    private static LinearTestModel model(String name, int in, int out, ModelSpec.DataSpec data) {
        return new LinearTestModel(name, in, out, LinearTestModel.spec(Loss.MSE, 0.1,
                new ModelSpec.TrainSpec(1, 0, false, null, 0, 0), data));
    }

    /** A model reading CSV data with {@code scale}, normalizing features and labels as given. */
    private static LinearTestModel model(double scale, ModelSpec.Normalization features,
            ModelSpec.Normalization labels) {
        return model("Digits", 2, 1, new ModelSpec.DataSpec(
                DataSource.csv("d.csv", List.of(), true).withScale(scale), null,
                features, labels));
    }

    @Test
    void saveThenLoadRestoresParametersAndMetadata() {
        LinearTestModel a = model("Xor", 2, 1);
        a.initParams(new Rng(3));
        Path f = dir.resolve("xor.safetensors");
        Weights.save(a, f, Map.of("nnc.norm.features", "none;cols=2", "nnc.model", "ignored"));
        LinearTestModel b = model("Xor", 2, 1);
        Map<String, String> meta = Weights.load(b, f);
        assertArrayEquals(a.params(), b.params());
        assertEquals("Xor", meta.get("nnc.model"));
        assertEquals(a.architectureHash(), meta.get("nnc.arch"));
        assertEquals("1", meta.get("nnc.format"));
        assertEquals("none;cols=2", meta.get("nnc.norm.features"));
        assertEquals(meta, Weights.metadata(f));
    }

    @Test
    void loadingIntoAnotherModelNamesBoth() {
        Path f = dir.resolve("xor.safetensors");
        Weights.save(model("Xor", 2, 1), f, Map.of());
        LinearTestModel sine = model("Sine", 1, 1);
        float[] before = sine.params().clone();
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.load(sine, f));
        assertEquals("weights file " + f + " was trained for model 'Xor' (arch lin2x1ms…), not"
                + " for 'Sine' (arch lin1x1ms…)", e.getMessage());
        assertArrayEquals(before, sine.params());
    }

    @Test
    void changedArchitectureOfTheSameModel() {
        Path f = dir.resolve("xor.safetensors");
        Weights.save(model("Xor", 2, 1), f, Map.of());
        WeightsException e = assertThrows(WeightsException.class,
                () -> Weights.load(model("Xor", 3, 1), f));
        assertEquals("weights file " + f + " was trained for another architecture of model 'Xor'"
                + " (arch lin2x1ms…, the model now has arch lin3x1ms…); train it again",
                e.getMessage());
    }

    @Test
    void foreignFilesLoadByTensorNamesAndShapes() {
        Path f = dir.resolve("foreign.safetensors");
        Safetensors.write(f, List.of(new Tensor("dense1.W", new int[] {2, 1}, new float[] {1, 2}),
                new Tensor("dense1.B", new int[] {1}, new float[] {3})), Map.of());
        LinearTestModel m = model("Xor", 2, 1);
        Weights.load(m, f);
        assertArrayEquals(new float[] {1, 2, 3}, m.params());

        Path g = dir.resolve("missing.safetensors");
        Safetensors.write(g, List.of(new Tensor("dense1.W", new int[] {2, 1}, new float[2])),
                Map.of());
        assertEquals("weights file " + g + " has no tensor 'dense1.B' (model Xor)",
                assertThrows(WeightsException.class, () -> Weights.load(m, g)).getMessage());

        Path h = dir.resolve("shape.safetensors");
        Safetensors.write(h, List.of(new Tensor("dense1.W", new int[] {1, 2}, new float[2]),
                new Tensor("dense1.B", new int[] {1}, new float[1])), Map.of());
        assertEquals("weights file " + h + ": tensor 'dense1.W' has shape [1, 2], the model"
                + " expects [2, 1]",
                assertThrows(WeightsException.class, () -> Weights.load(m, h)).getMessage());
    }

    @Test
    void preprocessingRoundTripsThroughMetadata() {
        Preprocessing p = new Preprocessing(
                Normalizer.fit(new float[] {1, 2, 5, 9}, 2, 2, ModelSpec.Normalization.MINMAX),
                Normalizer.fit(new float[] {3, 4, 8}, 3, 1, ModelSpec.Normalization.ZSCORE),
                ClassLabels.of(1, 2, 3));
        Map<String, String> meta = p.toMetadata();
        assertEquals(Map.of("nnc.norm.scale", "1.0",
                "nnc.norm.features", "minmax;min=1.0,2.0;range=4.0,7.0",
                "nnc.norm.labels", p.labels().encode(), "nnc.classes", "1,2,3"), meta);
        assertEquals(p, Preprocessing.fromMetadata(meta));
        assertThrows(WeightsException.class, () -> Preprocessing.fromMetadata(Map.of()));
        assertEquals(Preprocessing.identity(2, 1),
                Preprocessing.fromMetadata(Map.of(), model("Xor", 2, 1)));
    }

    @Test
    void theScaleIsSavedAndRead() {
        Preprocessing p = new Preprocessing(16, Normalizer.identity(2), Normalizer.identity(1),
                null);
        assertEquals("16.0", p.toMetadata().get(Preprocessing.SCALE));
        LinearTestModel m = model(16, ModelSpec.Normalization.NONE, ModelSpec.Normalization.NONE);
        assertEquals(p, Preprocessing.fromMetadata(p.toMetadata(), m));
        assertEquals(16.0, Preprocessing.fromMetadata(p.toMetadata()).scale());
    }

    @Test
    void aFileWithoutTheScaleOfAScaledModelIsAnErrorSayingSo() {
        Map<String, String> old = Map.of("nnc.norm.features", "none;cols=2",
                "nnc.norm.labels", "none;cols=1");
        LinearTestModel scaled =
                model(16, ModelSpec.Normalization.NONE, ModelSpec.Normalization.NONE);
        WeightsException e = assertThrows(WeightsException.class,
                () -> Preprocessing.fromMetadata(old, scaled));
        assertEquals("the weights' metadata has no nnc.norm.scale entry, but model Digits scales"
                + " its input (scale: 16); the file was written before the scale was saved with"
                + " the weights: train the model again", e.getMessage());
        // Where the model reads its data unscaled, an old file means what it always meant.
        LinearTestModel plain =
                model(1, ModelSpec.Normalization.NONE, ModelSpec.Normalization.NONE);
        assertEquals(1.0, Preprocessing.fromMetadata(old, plain).scale());
    }

    @Test
    void missingNormalizersAreAnErrorWhereTheModelNormalizes() {
        LinearTestModel f = model(1, ModelSpec.Normalization.MINMAX, ModelSpec.Normalization.NONE);
        WeightsException e = assertThrows(WeightsException.class,
                () -> Preprocessing.fromMetadata(Map.of(), f));
        assertEquals("the weights' metadata has no nnc.norm.features entry, but model Digits"
                + " normalizes its features (minmax); without it the model would see"
                + " unnormalized data: train the model again, or add the entry", e.getMessage());
        LinearTestModel l = model(1, ModelSpec.Normalization.NONE, ModelSpec.Normalization.ZSCORE);
        assertTrue(assertThrows(WeightsException.class,
                () -> Preprocessing.fromMetadata(Map.of("nnc.norm.features", "none;cols=2"), l))
                .getMessage().contains("no nnc.norm.labels entry"));
    }

    @Test
    void normalizerSizesAreCheckedBeforeAnythingIsAllocated() {
        LinearTestModel m = model("Xor", 2, 1);
        WeightsException e = assertThrows(WeightsException.class, () -> Preprocessing
                .fromMetadata(Map.of("nnc.norm.features", "none;cols=2000000000"), m));
        assertEquals("bad preprocessing metadata: nnc.norm.features: bad normalizer"
                + " 'none;cols=2000000000': 2000000000 columns, expected 2 (the model has 2"
                + " inputs)", e.getMessage());
        assertThrows(WeightsException.class, () -> Preprocessing.fromMetadata(Map.of(
                "nnc.norm.features", "none;cols=2000000000", "nnc.norm.labels", "none;cols=1")));
        assertThrows(WeightsException.class, () -> Preprocessing.fromMetadata(
                Map.of("nnc.norm.labels", "minmax;min=0,0;range=1,1"), m));
    }

    @Test
    void nonFiniteNormalizerValuesAndScalesAreRefused() {
        LinearTestModel m = model("Xor", 2, 1);
        for (String bad : List.of("minmax;min=NaN,0;range=1,1", "zscore;mean=0,Infinity;std=1,1",
                "minmax;min=0,0;range=1,NaN", "minmax;min=0,0;range=1,-Infinity")) {
            WeightsException e = assertThrows(WeightsException.class,
                    () -> Preprocessing.fromMetadata(Map.of("nnc.norm.features", bad), m), bad);
            assertTrue(e.getMessage().contains("not a") && e.getMessage().contains("finite"),
                    e.getMessage());
        }
        for (String bad : List.of("NaN", "0", "-1", "Infinity", "x")) {
            assertThrows(WeightsException.class, () -> Preprocessing.fromMetadata(
                    Map.of("nnc.norm.scale", bad), m), bad);
        }
    }

    @Test
    void thePredictorAppliesTheScaleThenTheNormalizerAsTheLoaderDid() {
        // x = (float) ((float) v / 16), then (float) ((x - min) / range): the loaders' arithmetic.
        LinearTestModel m = model(16, ModelSpec.Normalization.MINMAX,
                ModelSpec.Normalization.NONE);
        Normalizer n = Normalizer.decode("minmax;min=0.1,0.0;range=0.7,0.3", 2);
        Preprocessing p = new Preprocessing(16, n, Normalizer.identity(1), null);
        float[] got = new float[2];
        p.input(new double[][] {{3, 13}}, 0, 1, got);
        float a = (float) ((((float) (3 / 16.0)) - 0.1) / 0.7);
        float b = (float) ((((float) (13 / 16.0)) - 0.0) / 0.3);
        assertArrayEquals(new float[] {a, b}, got);
        // A raw value that is not a float is rounded to float32 first, as the float input of the
        // standalone class and ONNX is; for 15/7 and 255 that gives another float.
        double v = 15 / 7.0;
        assertEquals(Float.floatToRawIntBits((float) ((float) v / 255.0)),
                Float.floatToRawIntBits(Preprocessing.scale(v, 255)));
        assertTrue(Float.floatToRawIntBits((float) (v / 255))
                != Float.floatToRawIntBits(Preprocessing.scale(v, 255)));
        assertEquals(m.inputSize(), p.features().cols());
    }

    @Test
    void theStageDescribesItself() {
        Preprocessing p = new Preprocessing(16, Normalizer.decode("minmax;min=0,0;range=1,1", 2),
                Normalizer.decode("zscore;mean=3;std=2", 1), null);
        assertEquals("x / 16, then min-max (x − min) / range over 2 columns; outputs"
                + " de-normalized y · std + mean over 1 column", p.describe(Loss.MSE));
        assertEquals("x / 16, then min-max (x − min) / range over 2 columns",
                p.describe(Loss.CROSS_ENTROPY));
        assertEquals("none", Preprocessing.identity(2, 1).describe(Loss.MSE));
    }
}
