package dev.nnc.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.compiler.Compilation;
import dev.nnc.compiler.InMemoryJavac;
import dev.nnc.compiler.NnCompiler;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fitted-curve figures of a differenced series (one input, one output) show the series as
 * the user knows it: its levels, and the model's forecasts added back to them with the one
 * inverse step every form uses ({@link Difference#invert}), not the differences the network
 * reads and writes.
 */
class DifferencedFitTest {
    @TempDir
    Path dir;

    @Test
    void theFitOfADifferencedSeriesIsDrawnInLevels() throws IOException {
        StringBuilder csv = new StringBuilder("t,v\n");
        double[] v = new double[40];
        for (int t = 0; t < v.length; t++) {
            v[t] = 100 + 3 * t + Math.sin(t);   // levels 100..217, differences about 3
            csv.append(t).append(',').append(v[t]).append('\n');
        }
        Files.writeString(dir.resolve("s.csv"), csv);
        Path nn = dir.resolve("d.nn");
        Files.writeString(nn, """
                model D {
                    input [1]
                    dense(1)
                    loss mse
                    optimizer sgd(lr: 0.05)
                    seed 1
                    data {
                        train: windows("s.csv", window: 1, target: "v")
                        difference: 1
                    }
                    train { epochs: 20, batch: 8 }
                }
                """);
        Compilation c = NnCompiler.compile(nn, NnCompiler.Options.defaults());
        assertFalse(c.hasErrors(), c.renderDiagnostics());
        TrainableModel m = InMemoryJavac.load(c);
        Training.RunResult r = Training.run(m, dir, Training.Options.defaults());
        Report.Input in = new Report.Input(c.model(), m, r.preprocessing(), null, Map.of(),
                Map.of(), dir, "nnc train", null);
        LoadedData train = Report.load(in, c.model().spec().data().train());

        List<Charts.Line> lines = RegressionFigures.levelLines(in, train, "training samples");

        assertEquals(2, lines.size());
        Charts.Line samples = lines.get(0);
        Charts.Line model = lines.get(1);
        int n = samples.y().length;
        assertEquals(v.length - 2, n, "one window of a difference and its target per row");
        for (int s = 0; s < n; s++) {
            // window s reads v[s + 1] - v[s] and forecasts v[s + 2] - v[s + 1]
            assertEquals((float) v[s + 2], samples.y()[s], 1e-4, "the target's level");
            assertEquals((float) v[s + 1], samples.x()[s], 1e-4, "the level it starts from");
        }
        double[][] diffs = new Predictor(m, r.preprocessing()).predictDifferences(
                new double[][] {{v[1] - v[0]}});
        assertEquals(Difference.invert((float) v[1], (float) diffs[0][0]), model.y()[0], 1e-4,
                "the forecast added back to the level it starts from");
        assertTrue(model.y()[0] > 90, "a level, not a difference: " + model.y()[0]);
    }
}
