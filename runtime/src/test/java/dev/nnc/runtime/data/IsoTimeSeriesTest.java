package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.model.ModelSpec.Loss;
import dev.nnc.runtime.model.ModelSpec.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ISO dates and date-times as the time column of a {@code windows(...)} series. */
class IsoTimeSeriesTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, text);
        return f;
    }

    private static LoadedData load(Path f, Double from, Double to) {
        Window w = new Window(2, 1, List.of("v"), List.of("v"), "t", from, to);
        return DataLoader.load(f, DataSource.windows("s.csv", w), 2, 1, Loss.MSE, null);
    }

    @Test
    void datesAndDateTimesReadAsSecondsThatOrder() {
        assertEquals(-371174400.0, IsoTime.parse("1958-03-29"));
        assertEquals(-371174400.0, IsoTime.parse("1958-03-29T00:00"));
        assertEquals(-371174400.0 + 43200, IsoTime.parse("1958-03-29T12:00"));
        assertEquals(-371174400.0 + 43200, IsoTime.parse("1958-03-29 12:00:00"));
        assertNull(IsoTime.parse("1958-13-01"));
        assertNull(IsoTime.parse("1990"));
        assertNull(IsoTime.parse("29/03/1958"));
        assertEquals("1958-03-29", IsoTime.format(-371174400.0));
        assertEquals("1958-03-29T12:00", IsoTime.format(-371174400.0 + 43200));
    }

    @Test
    void dateRangeSelectsByTheTargetRow() throws IOException {
        Path f = file("t,v\n1958-03-29,1\n1958-04-05,2\n1958-04-12,3\n1958-04-19,4\n"
                + "1958-04-26,5\n");
        assertEquals(3, load(f, null, null).dataset().size());
        LoadedData d = load(f, null, IsoTime.parse("1958-04-19"));
        assertArrayEquals(new float[] {1, 2, 2, 3}, d.dataset().x());
        assertArrayEquals(new float[] {3, 4}, d.dataset().y());
        d = load(f, IsoTime.parse("1958-04-20"), null);
        assertArrayEquals(new float[] {5}, d.dataset().y());
    }

    @Test
    void dateTimesWithASpaceOrAT() throws IOException {
        Path f = file("t,v\n1958-03-29 00:00:00,1\n1958-03-29T06:00,2\n1958-03-29 12:00,3\n"
                + "1958-03-29T18:00:00,4\n");
        LoadedData d = load(f, IsoTime.parse("1958-03-29T18:00"), null);
        assertArrayEquals(new float[] {4}, d.dataset().y());
    }

    @Test
    void aDateColumnTheWindowsDoNotUseIsNoError() throws IOException {
        Path f = file("date,t,v\n1958-03-29,1,1\n1958-04-05,2,2\n1958-04-12,3,3\n");
        LoadedData d = load(f, 3.0, null);
        assertArrayEquals(new float[] {3}, d.dataset().y());
    }

    @Test
    void badDateNamesFileLineColumnAndValue() throws IOException {
        Path f = file("t,v\n1958-03-29,1\n1958-04-05,2\n1958-04-31,3\n");
        DataException e = assertThrows(DataException.class, () -> load(f, null, null));
        assertTrue(e.getMessage().startsWith(f + ":4: column 't' (1): '1958-04-31' is not an "
                + "ISO date"), e.getMessage());
    }

    @Test
    void anEmptyDateRangeIsNamedInDates() throws IOException {
        Path f = file("t,v\n1958-03-29,1\n1958-04-05,2\n1958-04-12,3\n");
        DataException e = assertThrows(DataException.class,
                () -> load(f, IsoTime.parse("1960-01-01"), null));
        assertTrue(e.getMessage().contains("in [1960-01-01, ...); the targets' t runs from "
                + "1958-04-12 to 1958-04-12"), e.getMessage());
    }
}
