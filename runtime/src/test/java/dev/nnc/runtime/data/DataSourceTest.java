package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataSourceTest {
    @Test
    void eachKindOfSourceHoldsItsOwnArgumentsAndIsNamedAsTheNnFileCallsIt() {
        DataSource.Csv s = DataSource.csv("x.csv", List.of("y"), false);
        assertEquals(new DataSource.Csv("x.csv", List.of("y"), false, 1), s);
        assertEquals(1.0, s.scale());
        assertEquals(List.of("x.csv"), s.files());
        List<DataSource> all = List.of(s, DataSource.idx("i", "l"), DataSource.npz("z", "a", "b"),
                DataSource.npy("x", "y"), DataSource.windows("s.csv", new ModelSpec.Window(2, 1,
                        List.of("v"), List.of("v"), null, null, null)));
        assertEquals(DataSource.FORMATS, all.stream().map(DataSource::format).toList());
        assertEquals(List.of("i", "l"), all.get(1).files());
        assertEquals(List.of("x", "y"), all.get(3).files());
    }

    @Test
    void describeWritesTheSourceAsTheNnFileDoes() {
        assertEquals("csv(\"x.csv\", label: last)",
                DataSource.csv("x.csv", List.of(), true).describe());
        assertEquals("csv(\"x.csv\", label: [\"a\", \"b\"])",
                DataSource.csv("x.csv", List.of("a", "b"), false).describe());
        assertEquals("idx(images: \"i.gz\", labels: \"l.gz\") scaled by 1/255",
                DataSource.idx("i.gz", "l.gz").withScale(255).describe());
        assertEquals("npz(\"ch10.npz\", x: \"data\", y: \"label\")",
                DataSource.npz("ch10.npz", DataSource.NPZ_X, DataSource.NPZ_Y).describe());
        assertEquals("npy(x: \"x.npy\", y: \"y.npy\")", DataSource.npy("x.npy", "y.npy")
                .describe());
    }

    @Test
    void resolveMakesRelativePathsAbsoluteAndKeepsAbsoluteOnes() {
        DataSource.Idx s = DataSource.idx("d/../i.gz", "/data/l.gz").resolve(Path.of("/models"));
        assertEquals("/models/i.gz", s.path());
        assertEquals("/data/l.gz", s.labelFile());
        assertEquals(List.of("/models/i.gz", "/data/l.gz"), s.files());
        assertEquals("i.gz", DataSource.idx("./i.gz", "l").resolve(null).path());
    }

    @Test
    void scaleMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> DataSource.idx("i", "l").withScale(0));
        assertThrows(IllegalArgumentException.class,
                () -> DataSource.idx("i", "l").withScale(Double.NaN));
    }
}
