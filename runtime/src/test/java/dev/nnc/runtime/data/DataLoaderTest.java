package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.ModelSpec.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLoaderTest {
    private static final DataSource LAST = DataSource.csv("x.csv", List.of(), true);

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, text);
        return f;
    }

    private static DataSource labels(String... names) {
        return DataSource.csv("x.csv", List.of(names), false);
    }

    private String error(String text, DataSource src, int in, int out, Loss loss,
            ClassLabels classes) throws IOException {
        Path f = file(text);
        return assertThrows(DataException.class,
                () -> DataLoader.load(f, src, in, out, loss, classes)).getMessage()
                .replace(f.toString(), "F");
    }

    @Test
    void lastColumnIsTheLabel() throws IOException {
        LoadedData d = DataLoader.load(file("a,b,y\n1,2,3\n4,5,6\n"), LAST, 2, 1, Loss.MSE, null);
        assertArrayEquals(new float[] {1, 2, 4, 5}, d.dataset().x());
        assertArrayEquals(new float[] {3, 6}, d.dataset().y());
        assertEquals(List.of("a", "b"), d.features());
        assertEquals(List.of("y"), d.labels());
        assertNull(d.classes());
    }

    @Test
    void namedLabelColumnsMayBeAnywhere() throws IOException {
        LoadedData d = DataLoader.load(file("y2,a,y1,b\n1,2,3,4\n"), labels("y1", "y2"), 2, 2,
                Loss.MSE, null);
        assertArrayEquals(new float[] {2, 4}, d.dataset().x());
        assertArrayEquals(new float[] {3, 1}, d.dataset().y());
    }

    @Test
    void unknownLabelColumn() throws IOException {
        assertEquals("no column 'label' in F; columns: x1, x2, y",
                error("x1,x2,y\n1,2,3\n", labels("label"), 2, 1, Loss.MSE, null));
    }

    @Test
    void featureAndLabelCountsMustFitTheModel() throws IOException {
        assertEquals("F has 3 feature columns (a, b, c) but the model has 2 inputs;"
                + " label column: y", error("a,b,c,y\n1,2,3,4\n", LAST, 2, 1, Loss.MSE, null));
        assertEquals("F has 1 label column (y) but the model has 2 outputs",
                error("a,y\n1,2\n", LAST, 1, 2, Loss.MSE, null));
    }

    @Test
    void classLabelsBecomeOneHot() throws IOException {
        LoadedData d = DataLoader.load(file("a,class\n0,3\n1,1\n2,2\n3,3\n"), LAST, 1, 3,
                Loss.CROSS_ENTROPY, null);
        assertEquals(ClassLabels.of(1, 2, 3), d.classes());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, d.dataset().y());
    }

    @Test
    void classCountMustMatchOutputs() throws IOException {
        assertEquals("found 2 classes (1, 2) in column 'class' of F but the model has 3 outputs",
                error("a,class\n0,1\n1,2\n", LAST, 1, 3, Loss.CROSS_ENTROPY, null));
    }

    @Test
    void testDataUsesTrainingClasses() throws IOException {
        ClassLabels train = ClassLabels.of(1, 2, 3);
        LoadedData d = DataLoader.load(file("a,class\n0,2\n"), LAST, 1, 3, Loss.CROSS_ENTROPY,
                train);
        assertArrayEquals(new float[] {0, 1, 0}, d.dataset().y());
        assertEquals("F:3: column 'class' (2): class 4 is not one of the training classes"
                + " (1, 2, 3)", error("a,class\n0,2\n0,4\n", LAST, 1, 3, Loss.CROSS_ENTROPY,
                train));
    }

    @Test
    void oneHotColumnsAreTakenAsTheyAre() throws IOException {
        LoadedData d = DataLoader.load(file("a,c1,c2\n5,0,1\n6,1,0\n"), labels("c1", "c2"), 1, 2,
                Loss.CROSS_ENTROPY, null);
        assertArrayEquals(new float[] {0, 1, 1, 0}, d.dataset().y());
        assertNull(d.classes());
    }

    @Test
    void binaryLabelsMustBeZeroOrOne() throws IOException {
        assertEquals("F:3: column 'y' (2): label 2 is not 0 or 1 (binary cross-entropy needs"
                + " 0/1 labels)", error("a,y\n1,1\n2,2\n", LAST, 1, 1,
                Loss.BINARY_CROSS_ENTROPY, null));
    }

    @Test
    void csvFeaturesAreDividedByTheScale() throws IOException {
        LoadedData d = DataLoader.load(file("a,b,y\n255,51,3\n"), LAST.withScale(255), 2, 1,
                Loss.MSE, null);
        assertArrayEquals(new float[] {1, 0.2f}, d.dataset().x());
        assertArrayEquals(new float[] {3}, d.dataset().y());
        // Rows for prediction stay raw: the model's preprocessing stage scales them.
        assertArrayEquals(new double[] {255, 51}, DataLoader.readFeatures(
                file("a,b\n255,51\n"), LAST.withScale(255), 2)[0]);
    }

    @Test
    void readFeaturesDropsLabelsWhenPresent() throws IOException {
        Path f = file("a,b,y\n1,2,3\n");
        assertArrayEquals(new double[] {1, 2}, DataLoader.readFeatures(f, LAST, 2)[0]);
        Path g = dir.resolve("g.csv");
        Files.writeString(g, "a,b\n1,2\n");
        assertArrayEquals(new double[] {1, 2}, DataLoader.readFeatures(g, LAST, 2)[0]);
    }
}
