package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.runtime.model.Categorical;
import dev.nnc.runtime.model.Missing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code categorical:} and {@code unseen:} settings of the {@code data { }} block as written:
 * a column name or a list of them ({@code categorical: ["district", "type"]}), and
 * {@code unseen: error} (the default) or {@code other}. The CSV source checks the columns
 * against its file and counts the categories of the training file ({@link CsvSource}).
 *
 * @param categorical the setting
 * @param span where {@code categorical:}'s value is written, or {@code null}
 * @param unseenSpan where {@code unseen:}'s value is written, or {@code null}
 * @param broken whether {@code unseen:} was reported wrong (the columns are still checked,
 *     their inputs not counted)
 */
record CategoricalSetting(Categorical categorical, Span span, Span unseenSpan, boolean broken) {
    /** The words of {@code unseen:}. */
    static final List<String> UNSEEN = List.of("error", "other");

    /** No setting. */
    static final CategoricalSetting NONE = new CategoricalSetting(Categorical.NONE, null, null,
            false);

    /**
     * The setting of the values {@code columns} and {@code unseen} (either {@code null} when not
     * written), or {@code null} after reporting what is wrong.
     */
    static CategoricalSetting parse(Value columns, Value unseen, Diagnostics diags) {
        Categorical.Unseen u = Categorical.Unseen.ERROR;
        boolean broken = false;
        if (unseen != null) {
            if (unseen instanceof Value.Word w && UNSEEN.contains(w.name())) {
                u = Categorical.Unseen.valueOf(w.name().toUpperCase(Locale.ROOT));
            } else {
                String name = unseen instanceof Value.Word w ? "'" + w.name() + "'"
                        : unseen.describe();
                diags.report(Code.ARGUMENT_TYPE, unseen.span(), "unseen is error (a category "
                        + "the training file lacks is an error) or other (it goes to an input of "
                        + "its own), not %s%s", name, unseen instanceof Value.Word w
                        ? Names.suggestion(w.name(), UNSEEN) : "");
                broken = true;
            }
            if (columns == null) {
                diags.report(Code.DATA_COLUMN_CHOICE, unseen.span(), "unseen applies to "
                        + "categorical columns, and the data block names none (add "
                        + "categorical: [\"column\"])");
                return null;
            }
        }
        if (columns == null) {
            return NONE;
        }
        List<String> names = SourceKind.columns(columns, "categorical", diags);
        if (names == null) {
            return null;
        }
        return new CategoricalSetting(new Categorical(new ArrayList<>(names), u), columns.span(),
                unseen == null ? null : unseen.span(), broken);
    }

    /**
     * Reports the categorical columns that do not fit a CSV source with the columns
     * {@code header}, the labels {@code labels}, the ignored columns {@code ignored} and the
     * feature columns {@code features}: NN0502 for a column the file lacks, NN0510 for a label,
     * an ignored column or a column {@code features:} leaves out, NN0509 for a {@code missing:}
     * rule that fills a categorical column with a number.
     *
     * @return whether every column fits
     */
    boolean checkColumns(List<String> header, List<String> labels, List<String> ignored,
            List<String> features, MissingSetting missing, Diagnostics diags) {
        boolean ok = true;
        for (String c : categorical.columns()) {
            if (!header.contains(c)) {
                diags.report(Code.DATA_COLUMN_NOT_FOUND, span, "categorical names column '%s', "
                        + "which the file does not have; its columns: %s%s", c,
                        String.join(", ", header), Names.suggestion(c, header));
                ok = false;
            } else if (labels.contains(c)) {
                diags.report(Code.DATA_COLUMN_CHOICE, span, "column '%s' is both categorical "
                        + "and the label; a categorical column is a feature (class labels are "
                        + "text already)", c);
                ok = false;
            } else if (ignored.contains(c)) {
                diags.report(Code.DATA_COLUMN_CHOICE, span, "column '%s' is both categorical "
                        + "and ignored; take it out of one of them", c);
                ok = false;
            } else if (!features.contains(c)) {
                diags.report(Code.DATA_COLUMN_CHOICE, span, "column '%s' is categorical but not"
                        + " a feature; add it to features", c);
                ok = false;
            }
        }
        for (int i = 0; i < missing.missing().rules().size(); i++) {
            Missing.Rule r = missing.missing().rules().get(i);
            if (r.strategy() == Missing.Strategy.MODE || r.strategy() == Missing.Strategy.DROP) {
                continue;
            }
            for (String c : r.columns()) {
                if (categorical.columns().contains(c)) {
                    diags.report(Code.DATA_MISSING_VALUES, missing.spans().get(i), "column '%s' "
                            + "is categorical: its missing values are filled with mode (the "
                            + "most frequent category) or dropped, not with %s", c,
                            r.strategy() == Missing.Strategy.CONSTANT ? "a number"
                            : r.strategy().word());
                    ok = false;
                }
            }
        }
        return ok;
    }
}
