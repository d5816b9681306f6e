package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.Difference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code difference: 1}: the model learns the weekly changes, and {@code nnc predict} and
 * {@code nnc eval} give forecasts and metrics on the series' own scale.
 */
class DifferencedSeriesTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            model Steps {
                input [4]
                dense(1)
                loss mse
                optimizer adam(lr: 0.05)
                seed 3
                data {
                    train: windows("steps.csv", window: 4, target: "v", time: "date")
                    difference: 1
                }
                train {
                    epochs: 300
                    batch: 8
                }
            }
            """;

    /** A rising series whose weekly changes alternate 3, 1, 3, 1...: v = 300, 303, 304, 307… */
    private static double value(int i) {
        return 300 + 2 * i + (i % 2);
    }

    @Test
    void forecastsAreTheLastValuePlusThePredictedChange() throws IOException {
        StringBuilder sb = new StringBuilder("date,v\n");
        java.time.LocalDate d = java.time.LocalDate.parse("2000-01-01");
        int rows = 40;
        for (int i = 0; i < rows; i++) {
            sb.append(d.plusWeeks(i)).append(',').append(value(i)).append('\n');
        }
        Files.writeString(dir.resolve("steps.csv"), sb.toString());
        Path nn = dir.resolve("steps.nn");
        Files.writeString(nn, MODEL);
        Path w = dir.resolve("steps.safetensors");
        Path rep = dir.resolve("report");
        MainTest.Run r = MainTest.nnc("train", nn.toString(), "--quiet", "--out", w.toString(),
                "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(Files.size(rep.resolve("series.png")) > 1000, r.all());
        assertTrue(Files.size(rep.resolve("predicted.png")) > 1000, r.all());

        r = MainTest.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("steps.csv").toString());
        assertEquals(0, r.code(), r.all());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals("date,v", lines.get(0));
        // 40 rows, 39 differences: 36 windows of 4 differences, the first ending at row 4 and
        // forecasting row 5; the last forecasts the week after the file
        assertEquals(37, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith(d.plusWeeks(5) + ","), r.out());
        assertTrue(lines.get(36).startsWith(d.plusWeeks(rows) + ","), r.out());
        for (int i = 1; i < lines.size(); i++) {
            int target = i + 4;
            double forecast = Double.parseDouble(lines.get(i).split(",")[1]);
            // the one definition: the last real value plus the change the pattern gives
            double expected = Difference.invert((float) value(target - 1),
                    (float) (value(target) - value(target - 1)));
            assertEquals(expected, forecast, 0.05, lines.get(i));
        }

        // eval measures forecasts in the series' units: an R² near 1 on values in 300..380,
        // where the changes alone (3 or 1) would give no such figure
        r = MainTest.nnc("eval", nn.toString(), "-w", w.toString(), "--json");
        assertEquals(0, r.code(), r.all());
        String flat = r.out().replaceAll("\\s", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"r2\":([0-9.Ee-]+)")
                .matcher(flat);
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0.999, r.out());
    }
}
