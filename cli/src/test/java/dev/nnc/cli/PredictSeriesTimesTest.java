package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nnc predict} on a series model says which time each forecast is for. */
class PredictSeriesTimesTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            model Weekly {
                input [3]
                dense(1)
                loss mse
                optimizer sgd(lr: 0.1)
                seed 3
                data {
                    train: windows("weekly.csv", window: 3, target: "v", time: "date", to: "1958-05-10")
                    normalize: minmax
                    normalize_labels: minmax
                }
                train {
                    epochs: 20
                }
            }
            """;

    private String weekly(boolean withTime) {
        StringBuilder sb = new StringBuilder(withTime ? "date,v\n" : "v\n");
        java.time.LocalDate d = java.time.LocalDate.parse("1958-03-29");
        for (int i = 0; i < 10; i++) {
            sb.append(withTime ? d.plusWeeks(i) + "," : "").append(300 + i).append('\n');
        }
        return sb.toString();
    }

    @Test
    void everyForecastNamesTheDateItPredicts() throws IOException {
        Files.writeString(dir.resolve("weekly.csv"), weekly(true));
        Files.writeString(dir.resolve("plain.csv"), weekly(false));
        Path nn = dir.resolve("weekly.nn");
        Files.writeString(nn, MODEL);
        Path w = dir.resolve("weekly.safetensors");
        MainTest.Run r = MainTest.nnc("train", nn.toString(), "--quiet", "--out", w.toString());
        assertEquals(0, r.code(), r.all());

        r = MainTest.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("weekly.csv").toString());
        assertEquals(0, r.code(), r.all());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals("date,v", lines.get(0));
        // 10 rows give 8 windows; window i forecasts row i + 3: 1958-04-19 ... and the last
        // window, past the file's end, the week after its last row.
        assertEquals(9, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("1958-04-19,"), r.out());
        assertTrue(lines.get(7).startsWith("1958-05-31,"), r.out());
        assertTrue(lines.get(8).startsWith("1958-06-07,"), r.out());

        // The same windows without a time column: the same values, without times.
        MainTest.Run plain = MainTest.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("plain.csv").toString());
        assertEquals(0, plain.code(), plain.all());
        List<String> values = new ArrayList<>();
        for (String l : lines) {
            values.add(l.substring(l.indexOf(',') + 1));
        }
        assertEquals(values, plain.out().strip().lines().toList());

        MainTest.Run json = MainTest.nnc("predict", nn.toString(), "-w", w.toString(), "-i",
                dir.resolve("weekly.csv").toString(), "--json");
        assertEquals(0, json.code(), json.all());
        String flat = json.out().replaceAll("\\s", "");
        assertTrue(flat.contains("\"columns\":[\"date\",\"v\"]"), json.out());
        assertTrue(flat.contains("[\"1958-06-07\"," + lines.get(8).split(",")[1] + "]"),
                json.out());

        // The summary writes the split's bound as the file does: a date, not seconds.
        MainTest.Run summary = MainTest.nnc("summary", nn.toString());
        assertEquals(0, summary.code(), summary.all());
        assertTrue(summary.out().contains("to: \"1958-05-10\")"), summary.out());
    }
}
