package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wide tables (a year per row, a column per month or quarter) read as one series. */
class WideSeriesTest {
    private static final String HEADER = "year,jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec,"
            + "note\n";

    @TempDir
    Path dir;

    private CsvTable table(String text) throws IOException {
        Path f = dir.resolve("w.csv");
        Files.writeString(f, text);
        return CsvReader.readAny(f);
    }

    private static String year(int y, int first) {
        StringBuilder sb = new StringBuilder().append(y);
        for (int m = 0; m < 12; m++) {
            sb.append(',').append(first + m);
        }
        return sb.append(",x\n").toString();
    }

    @Test
    void monthsInRowOrderThenYearOrderAtIsoMonths() throws IOException {
        CsvTable t = WideSeries.melt(table(HEADER + year(1958, 1) + year(1959, 13)), "year",
                List.of("jan..dec"), "jan..dec");
        assertEquals(List.of("year", "jan..dec"), t.names());
        assertEquals(24, t.rowCount());
        double[] v = t.column(1);
        for (int i = 0; i < 24; i++) {
            assertEquals(i + 1, v[i], 0);
        }
        assertEquals("1958-01-01", t.format(0, t.value(0, 0)));
        assertEquals("1958-12-01", t.format(0, t.value(11, 0)));
        assertEquals("1959-01-01", t.format(0, t.value(12, 0)));
        assertEquals(3, t.line(12)); // the second data row is line 3 of the file
    }

    @Test
    void quartersStartTheirFirstMonth() throws IOException {
        CsvTable t = WideSeries.melt(table("y,q1,q2,q3,q4\n2000,1,2,3,4\n"), "y",
                List.of("q1..q4"), "q");
        assertEquals("2000-04-01", t.format(0, t.value(1, 0)));
        assertEquals("2000-10-01", t.format(0, t.value(3, 0)));
    }

    @Test
    void windowsCutAcrossYearsAndFromToCompareDerivedTimes() throws IOException {
        Path f = dir.resolve("w.csv");
        Files.writeString(f, HEADER + year(1958, 1) + year(1959, 13));
        Window w = new Window(3, 1, List.of("jan..dec"), List.of("jan..dec"), "year",
                IsoTime.parse("1959-01-01"), IsoTime.parse("1959-03-01"), true, 0, "jan..dec");
        DataSource.Windows src = new DataSource.Windows(f.toString(), w, 1);
        CsvTable t = DataLoader.prepareSeries(CsvReader.readAny(f), src);
        WindowReader.Windows win = WindowReader.read(t, w, 1);
        // targets Jan, Feb, Mar 1959 (values 13, 14, 15), each after the three months before
        assertEquals(3, win.n());
        assertArrayEquals(new double[] {13, 14, 15}, win.y(), 0);
        assertArrayEquals(new float[] {10, 11, 12, 11, 12, 13, 12, 13, 14}, win.x(), 0);
        List<String> times = WindowReader.forecastTimes(t, w.withoutSplit());
        assertEquals("1958-04-01", times.get(0));
        assertEquals("1959-12-01", times.get(times.size() - 2));
        assertEquals("1960-01-01", times.get(times.size() - 1)); // one step past the file
    }

    @Test
    void emptyCellsAreMissingAndInterpolated() throws IOException {
        Path f = dir.resolve("w.csv");
        Files.writeString(f, HEADER + "1958,1,2,,4,5,6,7,8,9,10,11,12,x\n");
        Window named = new Window(2, 1, List.of("jan..dec"), List.of("jan..dec"), "year", null,
                null, false, 0, "jan..dec");
        CsvTable raw = CsvReader.readAny(f);
        DataException e = assertThrows(DataException.class, () -> DataLoader.prepareSeries(raw,
                new DataSource.Windows(f.toString(), named, 1)));
        assertTrue(e.getMessage().contains(":2: column 'jan..dec' (2): empty value"),
                e.getMessage());
        Missing fill = new Missing(List.of(new Missing.Rule(Missing.Strategy.INTERPOLATE, 0,
                List.of())));
        CsvTable t = DataLoader.prepareSeries(CsvReader.readAny(f),
                new DataSource.Windows(f.toString(), named, 1, fill));
        assertEquals(3, t.value(2, 1), 0);
    }

    @Test
    void otherColumnCountsAndFractionalYearsAreErrors() throws IOException {
        CsvTable t = table(HEADER + year(1958, 1));
        DataException e = assertThrows(DataException.class,
                () -> WideSeries.melt(t, "year", List.of("jan..nov"), "s"));
        assertTrue(e.getMessage().contains("names 11 columns but a wide row holds 12 months"),
                e.getMessage());
        DataException f = assertThrows(DataException.class, () -> WideSeries.melt(
                table("y,a,b,c,d\n2000.5,1,2,3,4\n"), "y", List.of("a..d"), "s"));
        assertTrue(f.getMessage().contains(":2: column 'y': a wide row's time is a year"),
                f.getMessage());
    }
}
