package dev.nnc.cli;

import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.data.Symbols;
import dev.nnc.runtime.model.ClassLabels;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The rows of a {@code POST /predict} body, parsed as the bytes arrive straight into one float
 * array: no text and no tree of the JSON is kept, so a request costs four bytes per number.
 *
 * <p>The body is {@code {"rows": ROWS}} (other members are skipped), the bare {@code ROWS}, or one
 * bare row. A row is either flat ({@code [x1, x2, ...]}, the model's input size of numbers) or
 * shaped as the model's input ({@code [C][H][W]} nested arrays for {@code input [C, H, W]},
 * {@code [T][F]} for a sequence). Every number must be finite and within the float range; the
 * error names the row and the column (the position in the flat row, counted from 1).
 *
 * <p>For a two-dimensional input {@code [T, F]} a bare {@code [[...], ...]} is read as rows when
 * its first inner array has the flat size {@code T·F} and as one shaped row otherwise; in
 * {@code {"rows": ...}} the rows are never ambiguous.
 */
final class RequestRows {
    /** Numbers longer than this are refused (no float needs more digits). */
    static final int MAX_NUMBER = 100;
    /** Object members other than {@code rows} may nest this deep. */
    private static final int MAX_SKIP_DEPTH = 32;

    /** The source of the body's bytes: -1 at its end. */
    interface Source {
        int read() throws IOException;
    }

    /** The parsed rows: {@code count} rows of {@code width} floats in {@code data}. */
    record Rows(float[] data, int count, int width) {
        double[] row(int r) {
            double[] v = new double[width];
            for (int j = 0; j < width; j++) {
                v[j] = data[r * width + j];
            }
            return v;
        }
    }

    /** A request the client must fix: {@code status} (400 or 413) and the answer's message. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Rejected(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Source in;
    private final int[] shape;
    private final int width;
    private final int maxRows;
    private final String modelName;
    private final long maxFloats;
    private long offset;
    private int peeked = -2;

    // the layout of the rows, known at the first number (or, for the one ambiguous case, at the
    // end of the first inner array)
    private boolean decided;
    private boolean manyRows;
    /** How deep a row's arrays go: 1 (flat) or the input's rank (shaped). */
    private int rowDepth;
    private boolean pendingTwoD;
    /** The current row's depth is known (at its first number). */
    private boolean rowKnown;
    /** Elements so far of the open array at each depth (1: the outermost). */
    private int[] counts;
    private float[] data = new float[64];
    private int size;
    private int rows;
    /**
     * Why a null (a missing value) at each input of the model is refused, null where the model
     * fills it ({@link dev.nnc.runtime.predict.Predictor#missingRefusal}); null: refused everywhere.
     */
    private final IntFunction<String> missing;
    /** The model's one-hot encoding (a row is then one value per column), or null. */
    private final OneHot oneHot;
    /**
     * The vocabulary of a model that reads texts as symbols, or null: a row may then be a text
     * (a JSON string), encoded into the codes of its symbols by it, the one definition.
     */
    private final Symbols symbols;

    private RequestRows(Source in, int[] shape, int maxRows, long bodyBytes, String modelName,
            IntFunction<String> missing, OneHot oneHot, Symbols symbols) {
        this.missing = missing;
        this.symbols = symbols;
        this.oneHot = oneHot;
        this.in = in;
        this.shape = shape.clone();
        int w = 1;
        for (int d : shape) {
            w *= d;
        }
        this.width = w;
        this.maxRows = maxRows;
        this.modelName = modelName;
        // a number and its separator take at least two bytes; a text of two bytes ("") may
        // stand for a whole row
        this.maxFloats = symbols != null ? (long) maxRows * w
                : Math.min((long) maxRows * w, bodyBytes / 2 + 1);
        this.counts = new int[shape.length + 3];
    }

    /**
     * The rows of a body of {@code bodyBytes} bytes for a model with input {@code shape}; at most
     * {@code maxRows} rows (more: status 413).
     */
    static Rows parse(Source in, int[] shape, int maxRows, long bodyBytes, String modelName)
            throws IOException, Rejected {
        return parse(in, shape, maxRows, bodyBytes, modelName, null, null, null);
    }

    /**
     * As {@link #parse(Source, int[], int, long, String)}, where a {@code null} stands for a
     * missing value (NaN, which the model's preprocessing fills) at every input for which
     * {@code missing} answers {@code null}; at any other input it is refused for the reason
     * {@code missing} gives ({@link dev.nnc.runtime.predict.Predictor#missingRefusal}). For a
     * model with the one-hot encoding {@code oneHot} (or null), {@code shape} is one value per
     * feature column, a categorical column's value is text, a number or null
     * ({@link RequestCategories}), and the row keeps the index of the input it sets. For a model
     * that reads texts as symbols under the vocabulary {@code symbols} (or null) a row is also
     * a text, {@code {"rows": ["text", ...]}}, {@code ["text", ...]} or one bare
     * {@code "text"}, which becomes the codes of its symbols padded to the input's steps, as
     * {@code nnc predict} encodes the texts of its input file.
     */
    static Rows parse(Source in, int[] shape, int maxRows, long bodyBytes, String modelName,
            IntFunction<String> missing, OneHot oneHot, Symbols symbols)
            throws IOException, Rejected {
        return new RequestRows(in, shape, maxRows, bodyBytes, modelName, missing, oneHot,
                symbols).parse();
    }

    private Rows parse() throws IOException, Rejected {
        int c = skipSpace();
        if (c == '{') {
            next();
            boolean found = false;
            c = skipSpace();
            if (c != '}') {
                while (true) {
                    if (skipSpace() != '"') {
                        throw bad("expected a member name in quotes");
                    }
                    String key = string(64);
                    if (skipSpace() != ':') {
                        throw bad("expected ':' after \"" + key + "\"");
                    }
                    next();
                    if (key.equals("rows") && !found) {
                        found = true;
                        if (skipSpace() != '[') {
                            throw new Rejected(400, "\"rows\" must be an array of rows");
                        }
                        value(true);
                    } else {
                        skipValue(0);
                    }
                    c = skipSpace();
                    if (c == ',') {
                        next();
                        continue;
                    }
                    if (c == '}') {
                        break;
                    }
                    throw bad("expected ',' or '}'");
                }
            }
            next();
            if (!found) {
                throw new Rejected(400, "expected {\"rows\": [[...], ...]}, but the object has "
                        + "no \"rows\" member");
            }
        } else if (c == '[') {
            value(false);
        } else if (c == '"' && symbols != null) {
            decided = rowKnown = true; // one bare text row
            rowDepth = rows = 1;
            text();
        } else if (c < 0) {
            throw new Rejected(400, "bad JSON: the body is empty; expected {\"rows\": [[...], "
                    + "...]}, an array of rows, or one row [...]");
        } else {
            throw new Rejected(400, "bad JSON at byte " + (offset + 1) + ": expected "
                    + "{\"rows\": [[...], ...]}, an array of rows, or one row [...]");
        }
        if (skipSpace() >= 0) {
            throw bad("unexpected text after the JSON value");
        }
        return new Rows(data.length == size ? data : Arrays.copyOf(data, size), rows, width);
    }

    /** The array of rows or the one row, its '[' next. */
    private void value(boolean explicitRows) throws IOException, Rejected {
        int depth = 0;
        int maxDepth = shape.length + 1;
        while (true) {
            if (skipSpace() == '[') {
                next();
                depth++;
                if (depth > maxDepth || rowKnown && depth > rowBase() + rowDepth) {
                    throw new Rejected(400, where() + "arrays nested too deep; " + forms());
                }
                if (decided && manyRows && depth == 2) {
                    startRow();
                }
                counts[depth] = 0;
                if (skipSpace() == ']') {
                    next();
                    closeArray(depth); // refuses the empty array
                }
                continue;
            }
            if (symbols != null && depth == 1 && peek() == '"' && (!decided || manyRows)) {
                // a text row in the array of rows
                if (!decided) {
                    decided = true;
                    manyRows = true;
                    rowDepth = 1;
                }
                startRow();
                rowKnown = true;
                text();
            } else {
                element(depth, explicitRows);
            }
            // the element at `depth` is complete: a ',' goes on, a ']' completes its array,
            // which is an element one level up
            while (true) {
                counts[depth]++;
                checkLength(depth);
                int c = skipSpace();
                if (c == ',') {
                    next();
                    break;
                }
                if (c != ']') {
                    throw bad("expected ',' or ']'");
                }
                next();
                closeArray(depth);
                depth--;
                if (depth == 0) {
                    return;
                }
            }
        }
    }

    /** An element that is not an array: it must be a number in a row's innermost array. */
    private void element(int depth, boolean explicitRows) throws IOException, Rejected {
        if (!decided) {
            decide(depth, explicitRows);
        } else if (!rowKnown) {
            // each row of many may be flat or shaped
            int levels = depth - rowBase();
            if (levels != 1 && levels != shape.length) {
                throw new Rejected(400, "row " + rows + ": " + forms());
            }
            rowDepth = levels;
            rowKnown = true;
        }
        if (depth != rowBase() + rowDepth) {
            throw new Rejected(400, where() + "expected an array, found " + token());
        }
        number();
    }

    /** A text row (its opening quote next): the codes of its symbols, padded to the steps. */
    private void text() throws IOException, Rejected {
        for (float f : RequestTexts.codes(this::next, symbols, width, "row " + rows + ": ")) {
            add(f);
        }
    }

    /** The depth of the array that holds the rows (1) or 0 for one bare row. */
    private int rowBase() {
        return manyRows ? 1 : 0;
    }

    private void decide(int depth, boolean explicitRows) throws Rejected {
        int rank = shape.length;
        int rowLevels = explicitRows ? depth - 1 : depth;
        if (explicitRows && depth == 1) {
            // {"rows": [x1, x2, ...]}: one flat row
            manyRows = false;
            rowDepth = 1;
        } else if (explicitRows) {
            if (rowLevels == 1 || rowLevels == rank) {
                manyRows = true;
                rowDepth = rowLevels;
            } else {
                throw new Rejected(400, "row 1: " + forms());
            }
        } else if (depth == 1) {
            manyRows = false;
            rowDepth = 1;
        } else if (depth == 2 && rank == 2) {
            pendingTwoD = true;
            manyRows = true;
            rowDepth = 1;
        } else if (depth == 2) {
            manyRows = true;
            rowDepth = 1;
        } else if (depth == rank) {
            manyRows = false;
            rowDepth = rank;
        } else if (depth == rank + 1) {
            manyRows = true;
            rowDepth = rank;
        } else {
            throw new Rejected(400, "row 1: " + forms());
        }
        decided = true;
        rowKnown = true;
        if (manyRows) {
            startRow();
        } else {
            rows = 1;
        }
    }

    private void startRow() throws Rejected {
        if (rows == maxRows) {
            throw new Rejected(413, "more than " + maxRows + " rows in one request (the "
                    + "server's --max-rows); send them in several requests");
        }
        rows++;
        rowKnown = false;
    }

    /** The number of elements the open array at {@code depth} must have; 0: any. */
    private int expected(int depth) {
        if (pendingTwoD) {
            return depth == 2 ? width : 0;
        }
        int level = depth - rowBase() - 1;
        if (level < 0) {
            return 0;
        }
        return rowDepth == 1 ? width : shape[level];
    }

    private void checkLength(int depth) throws Rejected {
        int want = expected(depth);
        if (want > 0 && counts[depth] > want) {
            throw new Rejected(400, lengthMessage(depth, "more than " + want, want));
        }
    }

    private void closeArray(int depth) throws Rejected {
        int n = counts[depth];
        if (n == 0) {
            if (depth == 1 && (!decided || manyRows)) {
                throw new Rejected(400, "no rows: the array is empty");
            }
            throw new Rejected(400, "row " + Math.max(rows, 1) + " has an empty array; "
                    + forms());
        }
        if (pendingTwoD && depth == 2) {
            pendingTwoD = false;
            if (n != width) {
                // one shaped row [T][F]: what was read is its first step
                manyRows = false;
                rowDepth = 2;
                if (n != shape[1]) {
                    throw new Rejected(400, "row 1 has " + n + (n == 1 ? " value" : " values")
                            + " in its first array; " + forms());
                }
                return;
            }
        }
        int want = expected(depth);
        if (want > 0 && n != want) {
            throw new Rejected(400, lengthMessage(depth, String.valueOf(n), want));
        }
    }

    private String lengthMessage(int depth, String got, int want) {
        boolean one = got.equals("1");
        if (rowDepth == 1 || pendingTwoD) {
            return "row " + rows + " has " + got + (one ? " value" : " values") + ", model "
                    + modelName + " takes " + width;
        }
        int level = depth - rowBase() - 1;
        return "row " + rows + ": an array at depth " + (level + 1) + " has " + got
                + (one ? " element" : " elements") + ", but the model's input shape "
                + Arrays.toString(shape) + " needs " + want + "; " + forms();
    }

    private String forms() {
        if (shape.length == 1) {
            return "a row is an array of " + width + " numbers"
                    + (symbols != null ? " (the codes of its symbols) or a text" : "");
        }
        return "a row is a flat array of " + width + " numbers or nested arrays of shape "
                + Arrays.toString(shape);
    }

    /** "row R, column C: " for the number about to be read. */
    private String where() {
        int r = Math.max(rows, 1);
        int column = size - (r - 1) * width + 1;
        return "row " + r + ", column " + column + ": ";
    }

    private void number() throws IOException, Rejected {
        String where = where();
        boolean category = oneHot != null && oneHot.isCategorical(size % width);
        if (category && peek() == '"') {
            add(RequestCategories.slot(oneHot, size % width,
                    RequestCategories.string(this::next, where), where));
            return;
        }
        StringBuilder sb = new StringBuilder(24);
        for (int c = peek(); c >= 0 && isTokenChar(c); c = peek()) {
            if (sb.length() == MAX_NUMBER) {
                throw new Rejected(400, where + "a number longer than " + MAX_NUMBER
                        + " characters");
            }
            sb.append((char) c);
            next();
        }
        String t = sb.toString();
        if (t.isEmpty()) {
            throw new Rejected(400, where + "not a number: " + token());
        }
        float f;
        if (category) {
            String name = null;
            if (!t.equals("null")) {
                JsonNumbers.finite(t, where); // refuses what is not a finite JSON number
                // a number names its category in its short form (2.0 is 2), as in a CSV file
                name = ClassLabels.format(Double.parseDouble(t));
            }
            f = RequestCategories.slot(oneHot, size % width, name, where);
        } else if (t.equals("null")) {
            int column = oneHot == null ? size % width : oneHot.offset(size % width);
            String refused = missing == null ? "model " + modelName + " fills no missing value"
                    + " of input " + (column + 1) : missing.apply(column);
            if (refused != null) {
                throw new Rejected(400, where + "null (a missing value), but " + refused
                        + "; send a number");
            }
            f = Float.NaN;
        } else {
            f = JsonNumbers.finite(t, where);
        }
        add(f);
    }

    private void add(float f) throws Rejected {
        if (size == data.length) {
            long grow = Math.min(Math.max(64, (long) size * 2), Math.max(maxFloats, size + 1L));
            if (grow > Integer.MAX_VALUE - 16) {
                throw new Rejected(413, "too many numbers in one request");
            }
            data = Arrays.copyOf(data, (int) grow);
        }
        data[size++] = f;
    }

    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || c == '-' || c == '+' || c == '.';
    }

    /** A short description of the value starting at the next byte, for messages. */
    private String token() throws IOException {
        int c = peek();
        return switch (c) {
            case '"' -> "a string";
            case '{' -> "an object";
            case 't', 'f' -> "a boolean";
            case 'n' -> "null";
            case '[' -> "an array";
            case -1 -> "the end of the body";
            default -> "'" + (c < 0x20 || c > 0x7e ? String.format("\\x%02x", c)
                    : String.valueOf((char) c)) + "'";
        };
    }

    /** A JSON string (the '"' next), at most {@code max} characters kept. */
    private String string(int max) throws IOException, Rejected {
        next();
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = next();
            if (c < 0) {
                throw bad("unterminated string");
            }
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (next() < 0) {
                    throw bad("unterminated string");
                }
                c = '?';
            }
            if (sb.length() < max) {
                sb.append(c < 0x20 || c > 0x7e ? '?' : (char) c);
            }
        }
    }

    /** Skips any JSON value (of a member other than {@code rows}), nested at most 32 deep. */
    private void skipValue(int depth) throws IOException, Rejected {
        if (depth > MAX_SKIP_DEPTH) {
            throw bad("nested too deep");
        }
        int c = skipSpace();
        if (c == '"') {
            string(0);
        } else if (c == '{' || c == '[') {
            int close = c == '{' ? '}' : ']';
            next();
            if (skipSpace() == close) {
                next();
                return;
            }
            while (true) {
                if (c == '{') {
                    if (skipSpace() != '"') {
                        throw bad("expected a member name in quotes");
                    }
                    string(0);
                    if (skipSpace() != ':') {
                        throw bad("expected ':'");
                    }
                    next();
                }
                skipValue(depth + 1);
                int d = skipSpace();
                next();
                if (d == close) {
                    return;
                }
                if (d != ',') {
                    throw bad("expected ',' or '" + (char) close + "'");
                }
            }
        } else {
            StringBuilder sb = new StringBuilder();
            for (int d = peek(); d >= 0 && isTokenChar(d); d = peek()) {
                if (sb.length() > MAX_NUMBER) {
                    throw bad("a value longer than " + MAX_NUMBER + " characters");
                }
                sb.append((char) d);
                next();
            }
            String t = sb.toString();
            if (!t.equals("true") && !t.equals("false") && !t.equals("null")
                    && !JsonNumbers.isJsonNumber(t)) {
                throw bad("not a JSON value");
            }
        }
    }

    private Rejected bad(String what) {
        return new Rejected(400, "bad JSON at byte " + (offset + 1) + ": " + what);
    }

    private int skipSpace() throws IOException {
        int c = peek();
        while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            next();
            c = peek();
        }
        return c;
    }

    private int peek() throws IOException {
        if (peeked == -2) {
            peeked = in.read();
        }
        return peeked;
    }

    private int next() throws IOException {
        int c = peek();
        peeked = -2;
        if (c >= 0) {
            offset++;
        }
        return c;
    }
}
