package dev.nnc.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader of numeric CSV files with a header row, strict about the data and precise in its
 * errors.
 *
 * <p>Example: {@code CsvReader.read(Path.of("data/xor.csv"))} on
 * <pre>
 * x1,x2,"label"
 * 0,0,0
 * 0,abc,1
 * </pre>
 * fails with {@code data/xor.csv:3: column 'x2' (2): 'abc' is not a number}.
 *
 * <p>Accepted: a first line naming the columns; values separated by commas, optionally in double
 * quotes ({@code ""} inside quotes is one quote); spaces around values; CRLF or LF line ends; a
 * UTF-8 byte order mark; blank lines (skipped). Every value of a data row must be a finite
 * decimal number. Line numbers in messages are 1-based lines of the file; columns are given by
 * name and 1-based index.
 */
public final class CsvReader {
    private static final int INITIAL_ROWS = 256;

    private CsvReader() {
    }

    /** Reads {@code file}; every problem is a {@link DataException} naming file and line. */
    public static CsvTable read(Path file) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            return read(file, in);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": permission denied");
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                throw new DataException(file + ": is a directory, not a CSV file");
            }
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static CsvTable read(Path file, BufferedReader in) throws IOException {
        int lineNo = 0;
        String line;
        List<String> names = null;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (!line.isBlank()) {
                names = header(file, lineNo, split(file, lineNo, line));
                break;
            }
        }
        if (names == null) {
            throw new DataException(file
                    + ": empty file (expected a header row naming the columns)");
        }
        int cols = names.size();
        double[][] columns = new double[cols][INITIAL_ROWS];
        int[] lines = new int[INITIAL_ROWS];
        int rows = 0;
        List<String> fields = new ArrayList<>(cols);
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            fields.clear();
            split(file, lineNo, line, fields);
            if (fields.size() != cols) {
                throw new DataException(file + ":" + lineNo + ": " + fields.size()
                        + (fields.size() == 1 ? " value" : " values") + ", but the header has "
                        + cols + " columns (" + String.join(", ", names) + ")");
            }
            if (rows == lines.length) {
                int cap = lines.length * 2;
                lines = Arrays.copyOf(lines, cap);
                for (int c = 0; c < cols; c++) {
                    columns[c] = Arrays.copyOf(columns[c], cap);
                }
            }
            for (int c = 0; c < cols; c++) {
                columns[c][rows] = number(file, lineNo, names.get(c), c, fields.get(c));
            }
            lines[rows] = lineNo;
            rows++;
        }
        if (rows == 0) {
            throw new DataException(file + ": no data rows after the header");
        }
        return new CsvTable(file, names, columns, lines, rows);
    }

    private static List<String> header(Path file, int lineNo, List<String> fields) {
        Map<String, Integer> seen = new HashMap<>();
        boolean allNumbers = true;
        for (int c = 0; c < fields.size(); c++) {
            String name = fields.get(c);
            if (name.isEmpty()) {
                throw new DataException(file + ":" + lineNo + ": column " + (c + 1)
                        + " of the header has no name");
            }
            Integer before = seen.putIfAbsent(name, c);
            if (before != null) {
                throw new DataException(file + ":" + lineNo + ": duplicate column name '" + name
                        + "' (columns " + (before + 1) + " and " + (c + 1) + ")");
            }
            allNumbers &= parse(name) != null;
        }
        if (allNumbers) {
            throw new DataException(file + ":" + lineNo + ": the first row must name the columns,"
                    + " but it holds only numbers (" + String.join(", ", fields) + ")");
        }
        return fields;
    }

    private static List<String> split(Path file, int lineNo, String line) {
        List<String> out = new ArrayList<>();
        split(file, lineNo, line, out);
        return out;
    }

    /** Splits one line into trimmed, unquoted fields. */
    private static void split(Path file, int lineNo, String line, List<String> out) {
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new DataException(file + ":" + lineNo + ": column " + (out.size() + 1)
                                + ": quote opened but not closed");
                    }
                    char ch = line.charAt(i++);
                    if (ch == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                while (i < n && isSpace(line.charAt(i))) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new DataException(file + ":" + lineNo + ": column " + (out.size() + 1)
                            + ": text after the closing quote");
                }
                out.add(sb.toString().strip());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                out.add(line.substring(start, i).strip());
            }
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static double number(Path file, int lineNo, String name, int c, String text) {
        Double v = parse(text);
        if (v != null && !v.isInfinite()) {
            return v;
        }
        String where = file + ":" + lineNo + ": column '" + name + "' (" + (c + 1) + "): ";
        if (text.isEmpty()) {
            throw new DataException(where + "empty value, expected a number");
        }
        if (v != null) {
            throw new DataException(where + "'" + text + "' is too large for a number");
        }
        throw new DataException(where + "'" + text + "' is not a number");
    }

    /** The decimal number {@code text}, or null. No NaN, no hex, no type suffixes. */
    static Double parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        boolean digit = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digit = true;
            } else if (ch != '.' && ch != 'e' && ch != 'E' && ch != '+' && ch != '-') {
                return null;
            }
        }
        if (!digit) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
