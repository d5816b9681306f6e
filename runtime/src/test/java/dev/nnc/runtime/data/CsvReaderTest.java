package dev.nnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.io.DataException;
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
        String hint = " (missing: in the data block drops or fills missing values)";
        assertEquals("F:2: column 'y' (3): empty value, expected a number" + hint,
                error("x1,x2,y\n0,0,\n"));
        assertEquals("F:2: column 'x1' (1): 'NaN' is not a number" + hint,
                error("x1,y\nNaN,1\n"));
        assertEquals("F:2: column 'x1' (1): '1e999' is out of the range of a 32-bit float"
                + " (at most about 3.4e38)", error("x1,y\n1e999,1\n"));
    }

    @Test
    void valuesBeyondTheFloatRangeAreErrorsAtTheirLineAndColumn() throws IOException {
        String range = "is out of the range of a 32-bit float (at most about 3.4e38)";
        assertEquals("F:3: column 'y' (2): '1e39' " + range, error("x,y\n0,1\n0,1e39\n"));
        assertEquals("F:2: column 'x' (1): '-1e308' " + range, error("x,y\n-1e308,1\n"));
        CsvTable t = CsvReader.read(file("x,y\n3.4e38,1e-50\n"));
        assertEquals(3.4e38f, t.floatValue(0, 0));
        assertEquals(0, t.value(0, 1));
        // The largest float as Float.toString writes it (its double is a little above the float):
        // read as that float; the first value whose float is infinite is refused.
        t = CsvReader.read(file("x,y\n" + Float.MAX_VALUE + "," + -Float.MAX_VALUE + "\n"));
        assertEquals(Float.MAX_VALUE, t.floatValue(0, 0));
        assertEquals(-Float.MAX_VALUE, t.floatValue(0, 1));
        assertEquals("F:2: column 'x' (1): '3.4028235677973366e38' " + range,
                error("x,y\n3.4028235677973366e38,1\n"));
    }

    @Test
    void valuesAreTheFloatsOfDoubleParseDoubleBitForBit() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        List<String> texts = new java.util.ArrayList<>(List.of("-0", "-0.0", "000.5", ".5", "5.",
                "+5", "1e22", "1e23", "1e-22", "1e-45", "1e-46", "3.4028234663852886e38",
                "-3.4028234663852886e38", "1.4e-45", "0.54881352186203", "-0.3019183576107025",
                "9007199254740993e-10", "12345678901234567890e-19", "0." + "0".repeat(60) + "1"));
        for (int i = 0; i < 20_000; i++) {
            texts.add(Float.toString(Float.intBitsToFloat(r.nextInt()) % 1e30f));
            texts.add(Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30))));
        }
        texts.removeIf(t -> t.contains("NaN") || t.contains("Infinity"));
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i + 1 < texts.size(); i += 2) {
            sb.append(texts.get(i)).append(',').append(texts.get(i + 1)).append('\n');
        }
        CsvTable t = CsvReader.read(file(sb.toString()));
        for (int i = 0; i + 1 < texts.size(); i += 2) {
            for (int c = 0; c < 2; c++) {
                float want = (float) Double.parseDouble(texts.get(i + c));
                assertEquals(Float.floatToRawIntBits(want),
                        Float.floatToRawIntBits(t.floatValue(i / 2, c)), texts.get(i + c));
            }
        }
    }

    @Test
    void bytesThatAreNotUtf8AreErrorsAtTheirLineAndColumn() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "x,y\n1,2\n3,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(f + ":3:6: byte e9 is not UTF-8 (save the file as UTF-8)",
                assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage());
        Files.write(f, new byte[] {'a', ',', (byte) 0xc3});
        assertEquals(f + ":1:3: byte c3 is not UTF-8 (save the file as UTF-8)",
                assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage());
    }

    @Test
    void badBytesFarIntoALargeFileAreFoundAtTheirLine() throws IOException {
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 20000; i++) {
            sb.append(i).append(",0.5\n");
        }
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 4);
        bytes[head.length] = '7';
        bytes[head.length + 1] = ',';
        bytes[head.length + 2] = (byte) 0xff;
        bytes[head.length + 3] = '\n';
        Path f = dir.resolve("big.csv");
        Files.write(f, bytes);
        assertEquals(f + ":20002:3: byte ff is not UTF-8 (save the file as UTF-8)",
                assertThrows(DataException.class, () -> CsvReader.read(f)).getMessage());
    }

    @Test
    void controlCharactersInMessagesAreEscaped() throws IOException {
        assertEquals("F:2: column 'a\\x1b[2J\\x07' (1): 'x\\x1b' is not a number",
                error("a\u001b[2J\u0007,y\nx\u001b,1\n"));
    }

    @Test
    void valuesAreHeldAsFloatsAndGivenBackAsWritten() throws IOException {
        CsvTable t = CsvReader.read(file("t,x,y\n1700000001,0.1,0.3\n1700000003,2.5,7\n"));
        assertEquals(0.1, t.value(0, 1));
        assertEquals(0.3, t.column(2)[0]);
        assertEquals(0.1f, t.floatValue(0, 1));
        // whole numbers a float would round stay exact
        assertEquals(1700000001, t.value(0, 0));
        assertEquals(1700000003, t.column(0)[1]);
    }

    @Test
    void headerReadsOnlyTheHeader() throws IOException {
        assertEquals(List.of("a", "b"), CsvReader.header(file("a,b\n1,x\n")));
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

    @Test
    void quotedValuesMaySpanLinesAsRfc4180Allows() throws IOException {
        CsvTable t = CsvReader.readAny(file("id,note,y\n1,\"two\nlines, and \"\"quotes\"\"\",3\n"
                + "2,\"\",4\n"));
        assertEquals(2, t.rowCount());
        assertEquals("two\nlines, and \"quotes\"", t.text(0, 1));
        assertEquals(2, t.line(0));
        assertEquals(4, t.line(1));
        assertEquals(4, t.value(1, 2));
        assertEquals("F:2: column 2: quote opened but not closed",
                error("a,b\n1,\"open\n2,3\n"));
    }

    @Test
    void quotedNumbersMayHaveThousandsSeparators() throws IOException {
        CsvTable t = CsvReader.read(file("income,y\n\"1,234,567.5\",1\n\"-12,000\",2\n"));
        assertEquals(1234567.5, t.value(0, 0), 0.1);
        assertEquals(-12000, t.value(1, 0));
        assertEquals("F:2: column 'a' (1): '1,23' is not a number",
                error("a,y\n\"1,23\",1\n"));
    }

    @Test
    void textAndMissingValuesAreKeptAndFailOnlyWhereNumbersAreNeeded() throws IOException {
        Path f = file("date,x,kind\n1958-03-29,1.5,setosa\n1958-04-05,NA,2\n1958-04-12,,virginica\n");
        CsvTable t = CsvReader.readAny(f);
        assertTrue(t.isText(0));
        assertTrue(t.isText(2));
        assertEquals("2", t.text(1, 2));
        assertEquals("virginica", t.text(2, 2));
        assertTrue(t.hasMissing(1));
        assertTrue(Double.isNaN(t.column(1)[1]));
        assertEquals(null, t.text(2, 1));
        t.requireNumbers(1, true);
        String msg = assertThrows(DataException.class, () -> t.requireNumbers(1)).getMessage();
        assertEquals(f + ":3: column 'x' (2): 'NA' is not a number (missing: in the data block "
                + "drops or fills missing values)", msg);
        msg = assertThrows(DataException.class, () -> t.column(0)).getMessage();
        assertEquals(f + ":2: column 'date' (1): '1958-03-29' is not a number", msg);
        assertEquals("F:2: column 'date' (1): '1958-03-29' is not a number",
                error("date,x,kind\n1958-03-29,1.5,setosa\n"));
    }

    @Test
    void distinctGivesClassLabelsAsWrittenWithoutMissingOnes() throws IOException {
        Path f = file("x,kind\n1,b\n2,a\n3,\n4,b\n");
        assertEquals(List.of("a", "b"), CsvReader.distinct(f, "kind", 10));
        Path g = file("x,k\n1,10\n2,2\n3,2.0\n");
        assertEquals(List.of("2", "10"), CsvReader.distinct(g, "k", 10));
    }
}
