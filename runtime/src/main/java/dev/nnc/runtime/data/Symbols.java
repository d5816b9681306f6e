package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ParamTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The vocabulary of a text column read as sequences of symbols (its characters: Unicode code
 * points), for {@code csv(..., symbols: "word")}: fitted on the training data, saved with the
 * weights, and applied to every text the model reads, in training and at prediction time.
 *
 * <p>A text of length l becomes the codes of its symbols followed by T − l zeros, for a model
 * input [T]: code 0 is padding, 1 a symbol the training data did not have, 2 … the training
 * data's symbols in code-point order. So {@code "ab"} over a vocabulary fitted on {"abc", "b"}
 * with T = 4 is [2, 3, 0, 0], and {@code "ax"} is [2, 1, 0, 0]. A text longer than T is an
 * error naming it, never cut.
 *
 * <p>Saved in the weights' metadata under {@link #KEY} as the code points in code order,
 * comma-separated ({@code 97,98,99}).
 *
 * @param symbols the code points of codes 2, 3, …, ascending
 */
public record Symbols(int[] symbols) {
    /** Metadata key of the vocabulary. */
    public static final String KEY = "nnc.symbols";
    /** The code of padding, after a sequence's end. */
    public static final int PAD = 0;
    /** The code of a symbol the training data did not have. */
    public static final int UNKNOWN = 1;

    public Symbols {
        symbols = symbols.clone();
        for (int i = 1; i < symbols.length; i++) {
            if (symbols[i] <= symbols[i - 1]) {
                throw new IllegalArgumentException("symbols not ascending at " + i);
            }
        }
    }

    /** The vocabulary of the symbols of {@code texts}. */
    public static Symbols fit(List<String> texts) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (String t : texts) {
            t.codePoints().forEach(seen::add);
        }
        return new Symbols(seen.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The number of codes: padding, unknown and the symbols (an embedding's {@code vocab}). */
    public int codes() {
        return symbols.length + 2;
    }

    /** The code of one symbol (a code point): 2 … for known symbols, {@link #UNKNOWN} else. */
    public int code(int codePoint) {
        int i = Arrays.binarySearch(symbols, codePoint);
        return i >= 0 ? i + 2 : UNKNOWN;
    }

    /**
     * Writes the codes of {@code text}, padded with zeros to {@code steps}, into
     * {@code out[off …]}.
     *
     * @param where the message prefix of the text's place, e.g. {@code "words.csv:12: "}
     * @throws DataException when the text has more symbols than {@code steps}
     */
    public void encode(String text, int steps, float[] out, int off, String where) {
        int[] cps = text.codePoints().toArray();
        if (cps.length > steps) {
            throw new DataException(where + "'" + DataException.printable(text) + "' has "
                    + cps.length + " symbols, but the model's input holds " + steps
                    + " (input [" + steps + "]); give the model a longer input");
        }
        Arrays.fill(out, off, off + steps, PAD);
        for (int t = 0; t < cps.length; t++) {
            out[off + t] = code(cps[t]);
        }
    }

    /** The codes of {@code text} padded to {@code steps}, as doubles (a raw input row). */
    public double[] encode(String text, int steps, String where) {
        float[] f = new float[steps];
        encode(text, steps, f, 0, where);
        double[] d = new double[steps];
        for (int i = 0; i < steps; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * Refuses, before the first training step, a model whose embedding takes fewer codes than
     * this vocabulary has: its parameter {@code embeddingK.E} [vocab, dim] is too small.
     *
     * @throws DataException naming the layer and the {@code vocab} it needs
     */
    public static void checkFits(Symbols vocabulary, Model model) {
        if (vocabulary != null) {
            vocabulary.checkFits(model);
        }
    }

    private void checkFits(Model model) {
        for (ParamTensor t : model.paramTensors()) {
            if (t.name().matches("(.*\\.)?embedding[0-9]+\\.E") && t.shape()[0] < codes()) {
                throw new DataException("the training file has " + symbols.length
                        + " distinct symbols, so its codes run from 0 (padding) and 1 (unknown) "
                        + "to " + (codes() - 1) + ", but "
                        + t.name().substring(0, t.name().length() - 2) + " takes " + t.shape()[0]
                        + " codes: give it embedding(" + codes() + ", ...)");
            }
        }
    }

    /** The metadata form: {@code 97,98,99}. */
    public String encodeMetadata() {
        List<String> s = new ArrayList<>();
        for (int c : symbols) {
            s.add(Integer.toString(c));
        }
        return String.join(",", s);
    }

    /**
     * Reads {@link #encodeMetadata()}'s form.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    public static Symbols decodeMetadata(String text) {
        if (text.isBlank()) {
            return new Symbols(new int[0]);
        }
        String[] parts = text.split(",");
        int[] s = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                s[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEY + ": '" + parts[i] + "' is not a code point");
            }
        }
        return new Symbols(s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Symbols s && Arrays.equals(symbols, s.symbols);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(symbols);
    }

    @Override
    public String toString() {
        return "Symbols" + new String(symbols, 0, symbols.length);
    }
}
