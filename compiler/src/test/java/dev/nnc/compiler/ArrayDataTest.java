package dev.nnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Models whose data block names IDX, NPY and NPZ files: the generated class carries the sources,
 * and training reads them.
 */
class ArrayDataTest {
    /** 50 training and 20 test samples of Fashion-MNIST; see the README there. */
    private static final Path SUBSET = Path.of("src/test/resources/fashion-mnist-subset")
            .toAbsolutePath();
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String FASHION_MODEL = """
            model Fashion {
                input [784]
                dense(32) -> relu
                dense(10) -> softmax
                loss cross_entropy
                optimizer sgd(lr: 0.1)
                seed 7
                train { epochs: 1, batch: 10, validation: 0.2 }
                data {
                    train: idx(images: "DIR/train-images-idx3-ubyte.gz",
                               labels: "DIR/train-labels-idx1-ubyte.gz")
                    test: idx("DIR/t10k-images-idx3-ubyte.gz", "DIR/t10k-labels-idx1-ubyte.gz")
                    scale: 255
                }
            }
            """;

    private static Compilation compile(Path nn, String source) {
        return NnCompiler.compile(new SourceFile(nn, nn.getFileName().toString(), source),
                NnCompiler.Options.defaults());
    }

    @Test
    void idxSubsetCompilesAndTrainsOneEpoch() {
        Path nn = SUBSET.resolve("fashion.nn");
        Compilation c = compile(nn, FASHION_MODEL.replace("DIR/", ""));
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        DataSource train = m.spec().data().train();
        assertEquals(DataSource.idx("train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz").withScale(255), train);
        assertEquals(255.0, m.spec().data().test().scale());

        Training.RunResult r = Training.run(m, SUBSET, Training.Options.defaults());
        Map<String, Object> metrics = r.metrics();
        assertEquals(1, metrics.get("epochs_run"));
        assertTrue(Double.isFinite((Double) metrics.get("final_loss")), metrics.toString());
        double acc = (Double) metrics.get("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1, metrics.toString());
        assertEquals("0,1,2,3,4,5,6,7,8,9", r.preprocessing().classes().toString());
    }

    @Test
    void absolutePathsToTheInstalledPackage() {
        Assumptions.assumeTrue(Files.isRegularFile(FASHION.resolve("t10k-images-idx3-ubyte.gz")),
                "dataset-fashion-mnist installed");
        Path nn = SUBSET.resolve("installed.nn");
        String src = FASHION_MODEL.replace("DIR/train-", "train-")
                .replace("DIR/t10k-", FASHION + "/t10k-");
        Compilation c = compile(nn, src);
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Training.RunResult r = Training.run(m, SUBSET, Training.Options.defaults());
        double acc = (Double) r.metrics().get("test_accuracy");
        assertTrue(acc >= 0 && acc <= 1, r.metrics().toString());
        DataSource.Idx test = (DataSource.Idx) m.spec().data().test();
        assertTrue(Path.of(test.labelFile()).isAbsolute());
        Map<String, Object> e = Training.evaluate(m, r.preprocessing(), Path.of(test.path()),
                test);
        assertEquals(10000, e.get("samples"));
        assertEquals(acc, (Double) e.get("accuracy"), 1e-12);
    }
}
