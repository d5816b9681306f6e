package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private String error(String text) throws IOException {
        Path f = file(text);
        String msg = assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage();
        return msg.replace(f.toString(), "F");
    }

    @Test
    void readsQuotesCrlfBomAndBlankLines() throws IOException {
        CsvTable t = CsvReader.read(file("\uFEFFx1, \"x,2\" ,\"la\"\"bel\"\r\n"
                + "0, 1 ,\"2\"\r\n\r\n-1.5e2,3,4\r\n\r\n\r\n"));
        assertEquals(List.of("x1", "x,2", "la\"bel"), t.names());
        assertEquals(2, t.rowCount());
        assertArrayEquals(new double[] {0, 1, 2}, t.row(0));
        assertArrayEquals(new double[] {-150, 3, 4}, t.row(1));
        assertEquals(4, t.line(1));
        assertEquals(1, t.indexOf("x,2"));
    }

    @Test
    void growsPastTheInitialCapacity() throws IOException {
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 1000; i++) {
            sb.append(i).append(',').append(-i).append('\n');
        }
        CsvTable t = CsvReader.read(file(sb.toString()));
        assertEquals(1000, t.rowCount());
        assertEquals(-999, t.value(999, 1));
        assertEquals(1001, t.line(999));
    }

    @Test
    void notANumberNamesFileLineAndColumn() throws IOException {
        assertEquals("F:3: column 'x2' (2): 'abc' is not a number",
                error("x1,x2,y\n0,0,0\n0,abc,1\n"));
        assertEquals("F:2: column 'y' (3): empty value, expected a number",
                error("x1,x2,y\n0,0,\n"));
        assertEquals("F:2: column 'x1' (1): 'NaN' is not a number", error("x1,y\nNaN,1\n"));
        assertEquals("F:2: column 'x1' (1): '1e999' is too large for a number",
                error("x1,y\n1e999,1\n"));
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.csv");
        assertEquals(f + ": no such file",
                assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage());
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        assertEquals("F: empty file (expected a header row naming the columns)", error("\n \n"));
        assertEquals("F: no data rows after the header", error("a,b\n\n"));
    }

    @Test
    void raggedRow() throws IOException {
        assertEquals("F:3: 2 values, but the header has 3 columns (a, b, c)",
                error("a,b,c\n1,2,3\n4,5\n"));
        assertEquals("F:2: 4 values, but the header has 3 columns (a, b, c)",
                error("a,b,c\n1,2,3,4\n"));
    }

    @Test
    void badHeaders() throws IOException {
        assertEquals("F:1: duplicate column name 'x' (columns 1 and 3)", error("x,y,x\n1,2,3\n"));
        assertEquals("F:1: column 2 of the header has no name", error("x,,z\n1,2,3\n"));
        assertEquals("F:1: the first row must name the columns, but it holds only numbers"
                + " (0.5, 1)", error("0.5,1\n2,3\n"));
    }

    @Test
    void badQuotes() throws IOException {
        assertEquals("F:2: column 2: quote opened but not closed", error("a,b\n1,\"2\n"));
        assertEquals("F:2: column 1: text after the closing quote", error("a,b\n\"1\"x,2\n"));
    }
}
