package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.ModelSpec.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
    @TempDir
    Path dir;

    private static LinearTestModel model(String name, int in, int out) {
        return new LinearTestModel(name, in, out, LinearTestModel.spec(Loss.MSE, 0.1,
                new ModelSpec.TrainSpec(1, 0, false, null, 0, 0), ModelSpec.DataSpec.none()));
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
        assertEquals(Map.of("nnc.norm.features", "minmax;min=1.0,2.0;range=4.0,7.0",
                "nnc.norm.labels", p.labels().encode(), "nnc.classes", "1,2,3"), meta);
        assertEquals(p, Preprocessing.fromMetadata(meta));
        assertThrows(WeightsException.class, () -> Preprocessing.fromMetadata(Map.of()));
        assertEquals(Preprocessing.identity(2, 1),
                Preprocessing.fromMetadata(Map.of(), model("Xor", 2, 1)));
    }
}
