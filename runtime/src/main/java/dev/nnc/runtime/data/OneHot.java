package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.io.Json;
import dev.nnc.runtime.model.Categorical;
import dev.nnc.runtime.model.ClassLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one-hot encoding of the categorical feature columns of a table, fitted on the training
 * file: the first step of the preprocessing stage, from a raw row (one value per feature
 * column, text or number, {@code null} where missing) to the model's raw inputs. The one
 * definition of the encoding: the CSV loader, {@code nnc predict}, {@code nnc serve} and Spark's
 * {@code NncModel} call it; the standalone class and the ONNX graph take its output.
 *
 * <p>The inputs, in order: each feature column in the model's order (as {@code features:} names
 * them, else file order); a number column is one input, its value as it is; a categorical column
 * is one input per category of the training file, <b>sorted</b> as class labels are (by value
 * when all are numbers, else as strings), then, with {@code unseen: other}, one input
 * {@code (other)}. A category's inputs are 1 for its own and 0 for the others.
 *
 * <p>Example: features {@code district, area} with districts Hills, Airport, Harbour in the
 * training file and {@code unseen: other} give 5 inputs {@code district=Airport,
 * district=Harbour, district=Hills, district=(other), area}; the raw row {@code ["Hills", 950]}
 * is {@code [0, 0, 1, 0, 950]}, and {@code ["Downtown", 950]} is {@code [0, 0, 0, 1, 950]}.
 *
 * <p>A missing value of a categorical column is the category its {@code missing:} rule gives
 * ({@code mode}: the training file's most frequent one, the first in the order above of equally
 * frequent ones); without a fill it is an error.
 *
 * <p>It is saved with the weights as JSON ({@link #encode}): {@code nnc.onehot =
 * {"columns":["district","area"],"categories":{"district":["Airport","Harbour","Hills"]},
 * "fill":{},"unseen":"other"}}.
 */
public final class OneHot {
    /** The name of the input a category not in the training file goes to. */
    public static final String OTHER = "(other)";

    private final List<String> columns;
    /** Per feature column: its categories, or null for a number column. */
    private final List<List<String>> categories;
    /** Per feature column: the category of a missing value, or null. */
    private final String[] fill;
    private final Categorical.Unseen unseen;
    private final int[] offset;
    private final int width;
    private final List<Map<String, Integer>> index = new ArrayList<>();

    /**
     * An encoding of the feature columns {@code columns} (in the model's order), the columns
     * of {@code categories} categorical with those categories (in their order).
     *
     * @param fill per categorical column, the category of a missing value (absent: none)
     */
    public OneHot(List<String> columns, Map<String, List<String>> categories,
            Map<String, String> fill, Categorical.Unseen unseen) {
        this.columns = List.copyOf(columns);
        this.unseen = Objects.requireNonNull(unseen, "unseen");
        this.categories = new ArrayList<>();
        this.fill = new String[columns.size()];
        this.offset = new int[columns.size()];
        int w = 0;
        for (int j = 0; j < columns.size(); j++) {
            String c = columns.get(j);
            List<String> cats = categories.get(c);
            offset[j] = w;
            if (cats == null) {
                this.categories.add(null);
                index.add(null);
                w++;
                continue;
            }
            if (cats.isEmpty()) {
                throw new IllegalArgumentException("column '" + c + "' has no category");
            }
            Map<String, Integer> idx = new LinkedHashMap<>();
            for (String k : cats) {
                if (idx.put(key(k), idx.size()) != null) {
                    throw new IllegalArgumentException("category '" + k + "' of column '" + c
                            + "' twice");
                }
            }
            this.categories.add(List.copyOf(cats));
            index.add(idx);
            String f = fill.get(c);
            if (f != null && !idx.containsKey(key(f))) {
                throw new IllegalArgumentException("fill '" + f + "' of column '" + c
                        + "' is not one of its categories");
            }
            this.fill[j] = f;
            w += cats.size() + (unseen == Categorical.Unseen.OTHER ? 1 : 0);
        }
        for (String c : categories.keySet()) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException("categorical column '" + c
                        + "' is not a feature column");
            }
        }
        this.width = w;
    }

    /**
     * Fits the encoding on the training values: {@code values.get(c)} holds the text of every
     * training row of categorical column {@code c} ({@code null} where missing); the categories
     * are its distinct values, sorted; {@code modeFill} names the columns whose missing values
     * take the most frequent category.
     */
    public static OneHot fit(List<String> columns, Map<String, List<String>> values,
            Collection<String> modeFill, Categorical.Unseen unseen) {
        Map<String, List<String>> cats = new LinkedHashMap<>();
        Map<String, String> fill = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String v : e.getValue()) {
                if (v != null) {
                    counts.merge(key(v), 1, Integer::sum);
                }
            }
            if (counts.isEmpty()) {
                throw new DataException("categorical column '" + e.getKey() + "' has no value"
                        + " in the training file");
            }
            List<String> sorted = ClassLabels.sorted(counts.keySet());
            cats.put(e.getKey(), sorted);
            if (modeFill.contains(e.getKey())) {
                String best = sorted.get(0);
                for (String k : sorted) {
                    if (counts.get(k) > counts.get(best)) {
                        best = k;
                    }
                }
                fill.put(e.getKey(), best);
            }
        }
        return new OneHot(columns, cats, fill, unseen);
    }

    /**
     * The category a value stands for: as written, but a number in its short form
     * ({@code 2.0} and {@code 2} are one category).
     */
    static String key(String v) {
        String s = v.strip();
        Double d = ClassLabels.number(s);
        return d != null && Double.isFinite(d) ? ClassLabels.format(d) : s;
    }

    /** The feature columns, in the model's order: the values of a raw row. */
    public List<String> columns() {
        return columns;
    }

    /** The number of the model's inputs. */
    public int inputSize() {
        return width;
    }

    /** What a category the training file did not have does. */
    public Categorical.Unseen unseen() {
        return unseen;
    }

    /** Whether feature column {@code j} is categorical. */
    public boolean isCategorical(int j) {
        return categories.get(j) != null;
    }

    /** The categories of feature column {@code j}, or {@code null} for a number column. */
    public List<String> categories(int j) {
        return categories.get(j);
    }

    /** The category a missing value of feature column {@code j} takes, or {@code null}. */
    String fill(int j) {
        return fill[j];
    }

    /** The first input of feature column {@code j}. */
    public int offset(int j) {
        return offset[j];
    }

    /** The number of inputs of feature column {@code j}. */
    public int slots(int j) {
        return (j + 1 < offset.length ? offset[j + 1] : width) - offset[j];
    }

    /** The name of each input: a number column's name, {@code district=Airport}, .... */
    public List<String> inputNames() {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < columns.size(); j++) {
            List<String> cats = categories.get(j);
            if (cats == null) {
                out.add(columns.get(j));
                continue;
            }
            for (String k : cats) {
                out.add(columns.get(j) + "=" + k);
            }
            if (unseen == Categorical.Unseen.OTHER) {
                out.add(columns.get(j) + "=" + OTHER);
            }
        }
        return out;
    }

    /**
     * The input of categorical column {@code j} that {@code value} sets, counted from the
     * column's first input: its category's, the {@code (other)} input for an unseen value with
     * {@code unseen: other}, the fill category's for a missing value ({@code null}).
     *
     * @throws DataException for an unseen value with {@code unseen: error}, and a missing value
     *     of a column without fill; the message names the value, not the column or the row
     */
    public int slot(int j, String value) {
        List<String> cats = categories.get(j);
        if (cats == null) {
            throw new IllegalArgumentException("column '" + columns.get(j)
                    + "' is not categorical");
        }
        String v = value == null ? fill[j] : value;
        if (v == null) {
            throw new DataException("a missing category, and no missing: rule fills it (missing: "
                    + "mode(\"" + columns.get(j) + "\") fills it with the training file's most "
                    + "frequent one)");
        }
        Integer i = index.get(j).get(key(v));
        if (i != null) {
            return i;
        }
        if (unseen == Categorical.Unseen.OTHER) {
            return cats.size();
        }
        throw new DataException("'" + v + "' is not one of the training file's categories ("
                + String.join(", ", cats.size() <= 12 ? cats : cats.subList(0, 12))
                + (cats.size() > 12 ? ", ... " + cats.size() + " in all" : "")
                + "); unseen: other in the data block sends such values to an input of their own");
    }

    /**
     * The model's raw inputs of one raw row: {@code row[j]} is the value of feature column
     * {@code j}, a {@link Number}, text or {@code null} (missing: NaN for a number column).
     *
     * @throws DataException for a category the encoding refuses ({@link #slot}), or text in a
     *     number column
     */
    public double[] encode(Object[] row) {
        if (row.length != columns.size()) {
            throw new DataException("a row of " + row.length + (row.length == 1 ? " value"
                    : " values") + ", but the model takes " + columns.size() + " columns ("
                    + String.join(", ", columns) + ")");
        }
        double[] out = new double[width];
        for (int j = 0; j < row.length; j++) {
            Object v = row[j];
            if (categories.get(j) != null) {
                try {
                    out[offset[j] + slot(j, v == null ? null : v instanceof Number n
                            ? ClassLabels.format(n.doubleValue()) : v.toString())] = 1;
                } catch (DataException e) {
                    throw new DataException("column '" + columns.get(j) + "': " + e.getMessage(),
                            e);
                }
            } else if (v == null) {
                out[offset[j]] = Double.NaN;
            } else if (v instanceof Number n) {
                out[offset[j]] = n.doubleValue();
            } else {
                Double d = ClassLabels.number(v.toString().strip());
                if (d == null) {
                    throw new DataException("column '" + columns.get(j) + "': '"
                            + v + "' is not a number");
                }
                out[offset[j]] = d;
            }
        }
        return out;
    }

    /**
     * The model's raw inputs of a row whose categorical columns hold the {@link #slot}s of their
     * values (as numbers) and whose number columns hold their values.
     */
    public double[] expand(double[] codes) {
        double[] out = new double[width];
        for (int j = 0; j < codes.length; j++) {
            if (categories.get(j) != null) {
                out[offset[j] + (int) codes[j]] = 1;
            } else {
                out[offset[j]] = codes[j];
            }
        }
        return out;
    }

    /** The encoding as one line of JSON, read back by {@link #decode}. */
    public String encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("columns", columns);
        Map<String, Object> cats = new LinkedHashMap<>();
        Map<String, Object> fills = new LinkedHashMap<>();
        for (int j = 0; j < columns.size(); j++) {
            if (categories.get(j) != null) {
                cats.put(columns.get(j), categories.get(j));
                if (fill[j] != null) {
                    fills.put(columns.get(j), fill[j]);
                }
            }
        }
        m.put("categories", cats);
        m.put("fill", fills);
        m.put("unseen", unseen.word());
        return Json.write(m);
    }

    /**
     * Reads {@link #encode()}'s form.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    @SuppressWarnings("unchecked")
    public static OneHot decode(String text) {
        try {
            Map<String, Object> m = (Map<String, Object>) Json.parse(text);
            List<String> columns = new ArrayList<>();
            for (Object o : (List<Object>) m.get("columns")) {
                columns.add((String) o);
            }
            Map<String, List<String>> cats = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("categories"))
                    .entrySet()) {
                List<String> l = new ArrayList<>();
                for (Object o : (List<Object>) e.getValue()) {
                    l.add((String) o);
                }
                cats.put(e.getKey(), l);
            }
            Map<String, String> fill = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("fill"))
                    .entrySet()) {
                fill.put(e.getKey(), (String) e.getValue());
            }
            Categorical.Unseen u = Categorical.Unseen.valueOf(((String) m.get("unseen"))
                    .toUpperCase(java.util.Locale.ROOT));
            return new OneHot(columns, cats, fill, u);
        } catch (ClassCastException | NullPointerException | DataException e) {
            throw new IllegalArgumentException("bad one-hot encoding '" + text + "'", e);
        }
    }

    /** A short description, e.g. {@code district one-hot (5 categories + other)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int j = 0; j < columns.size(); j++) {
            if (categories.get(j) != null) {
                int k = categories.get(j).size();
                parts.add(columns.get(j) + " one-hot (" + k + (k == 1 ? " category" : " categories")
                        + (unseen == Categorical.Unseen.OTHER ? " + other" : "")
                        + (fill[j] != null ? ", missing: " + fill[j] : "") + ")");
            }
        }
        return String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OneHot h && h.columns.equals(columns)
                && h.categories.equals(categories) && Arrays.equals(h.fill, fill)
                && h.unseen == unseen;
    }

    @Override
    public int hashCode() {
        return Objects.hash(columns, categories, Arrays.hashCode(fill), unseen);
    }

    @Override
    public String toString() {
        return encode();
    }
}
