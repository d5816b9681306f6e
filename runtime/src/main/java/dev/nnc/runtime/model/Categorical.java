package dev.nnc.runtime.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The categorical feature columns of a CSV source (the {@code categorical:} and {@code unseen:}
 * settings of the {@code data { }} block): each named column holds categories (text, or numbers
 * taken as names) and becomes one input per category of the training file, one-hot, in place of
 * the column. The vocabulary is fitted on the training file and saved with the weights (the
 * data package's {@code OneHot}).
 *
 * <p>Example: {@code categorical: ["district"], unseen: other} with districts Airport, Harbour
 * and Hills in the training file gives the inputs {@code district=Airport},
 * {@code district=Harbour}, {@code district=Hills} and {@code district=(other)}, where a district
 * not in the training file goes.
 *
 * @param columns the categorical columns; empty: none
 * @param unseen what a category not in the training file does at predict time
 */
public record Categorical(List<String> columns, Unseen unseen) {
    /** No categorical column. */
    public static final Categorical NONE = new Categorical(List.of(), Unseen.ERROR);

    /** What a category the training file did not have does. */
    public enum Unseen {
        /** It is an error naming the value, the column and the known categories. */
        ERROR,
        /** It goes to one more input of its column, {@code (other)}, never set in training. */
        OTHER;

        /** The word a {@code .nn} file writes. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Categorical {
        columns = List.copyOf(columns);
        Objects.requireNonNull(unseen, "unseen");
    }

    /** Whether any column is categorical. */
    public boolean any() {
        return !columns.isEmpty();
    }

    /** The setting as a {@code .nn} file writes it, e.g. {@code ["city"], unseen: other}. */
    public String describe() {
        return DataSource.quoteAll(columns) + (unseen == Unseen.ERROR ? ""
                : ", unseen: " + unseen.word());
    }
}
