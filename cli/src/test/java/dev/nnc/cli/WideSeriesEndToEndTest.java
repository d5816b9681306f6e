package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monthly series written one year per row trains, and {@code predict} dates its months. */
class WideSeriesEndToEndTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            model Monthly {
                input [3]
                dense(1)
                loss mse
                optimizer sgd(lr: 0.1)
                seed 3
                data {
                    train: windows("monthly.csv", window: 3, time: "year", wide: "jan..dec", target: "jan..dec", to: "1959-06-01")
                    test: windows("monthly.csv", window: 3, time: "year", wide: "jan..dec", target: "jan..dec", from: "1959-07-01")
                    missing: interpolate
                    normalize: minmax
                    normalize_labels: minmax
                }
                train {
                    epochs: 5
                }
            }
            """;

    @Test
    void trainsOnTheMeltedSeriesAndPrintsEachForecastsMonth() throws IOException {
        StringBuilder sb = new StringBuilder("year,jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,"
                + "dec\n");
        for (int y = 0; y < 2; y++) {
            sb.append(1958 + y);
            for (int m = 0; m < 12; m++) {
                // one empty cell (1958-05), filled by interpolation
                sb.append(',').append(y == 0 && m == 4 ? "" : String.valueOf(300 + 12 * y + m));
            }
            sb.append('\n');
        }
        Files.writeString(dir.resolve("monthly.csv"), sb.toString());
        Path nn = dir.resolve("monthly.nn");
        Files.writeString(nn, MODEL);
        Path w = dir.resolve("monthly.safetensors");
        MainTest.Run r = MainTest.nnc("train", nn.toString(), "--quiet", "--out", w.toString());
        assertEquals(0, r.code(), r.all());

        r = MainTest.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("monthly.csv").toString());
        assertEquals(0, r.code(), r.all());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals("year,jan..dec", lines.get(0), r.out());
        // 24 months give 22 windows; window i forecasts month i + 3 (1958-04 ...), the last
        // one the month after the file's end.
        assertEquals(23, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("1958-04-01,"), r.out());
        assertTrue(lines.get(10).startsWith("1959-01-01,"), r.out());
        assertTrue(lines.get(22).startsWith("1960-01-01,"), r.out());
        for (String l : lines.subList(1, lines.size())) {
            assertTrue(Double.isFinite(Double.parseDouble(l.split(",")[1])), l);
        }
    }
}
