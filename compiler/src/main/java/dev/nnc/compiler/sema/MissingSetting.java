package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.Span;
import dev.nnc.runtime.model.Missing;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code missing:} setting of the {@code data { }} block as written: one rule or a list of
 * rules, each {@code drop}, {@code mean}, {@code median}, {@code mode}, {@code interpolate} or a
 * number for every column no other rule names, or the same word called with column names
 * ({@code median("age", "income")}), or {@code fill(0, "count")} for a constant. The sources
 * check the columns against their files ({@link #checkColumns}).
 *
 * @param missing the rules
 * @param spans where each rule is written, in the order of {@code missing.rules()}
 * @param span the whole setting
 */
record MissingSetting(Missing missing, List<Span> spans, Span span) {
    /** The words of the rules. */
    static final List<String> WORDS = List.of("drop", "mean", "median", "mode", "interpolate",
            "fill");

    /** No setting. */
    static final MissingSetting NONE = new MissingSetting(Missing.NONE, List.of(), null);

    /** The setting {@code v}, or {@code null} after reporting what is wrong with it. */
    static MissingSetting parse(Value v, Diagnostics diags) {
        List<Value> items = v instanceof Value.ListV l ? l.items() : List.of(v);
        List<Missing.Rule> rules = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        Set<String> named = new HashSet<>();
        boolean general = false;
        for (Value item : items) {
            Missing.Rule r = rule(item, diags);
            if (r == null) {
                return null;
            }
            if (r.columns().isEmpty()) {
                if (general) {
                    diags.report(Code.DATA_MISSING_VALUES, item.span(), "two rules of missing "
                            + "apply to every column; name the columns of one, e.g. "
                            + "median(\"age\")");
                    return null;
                }
                general = true;
            }
            for (String c : r.columns()) {
                if (!named.add(c)) {
                    diags.report(Code.DATA_MISSING_VALUES, item.span(), "column '%s' is named by "
                            + "two rules of missing", c);
                    return null;
                }
            }
            rules.add(r);
            spans.add(item.span());
        }
        if (rules.isEmpty()) {
            diags.report(Code.DATA_MISSING_VALUES, v.span(), "missing names no rule; e.g. "
                    + "missing: mean");
            return null;
        }
        return new MissingSetting(new Missing(rules), spans, v.span());
    }

    private static Missing.Rule rule(Value item, Diagnostics diags) {
        if (item instanceof Value.Num n) {
            return new Missing.Rule(Missing.Strategy.CONSTANT, n.value(), List.of());
        }
        String word = item instanceof Value.Word w ? w.name()
                : item instanceof Value.Call c ? c.name() : null;
        if (word == null || !WORDS.contains(word) || word.equals("fill") && !(item
                instanceof Value.Call)) {
            String shown = word != null ? "'" + word + "'" : item.describe();
            diags.report(Code.DATA_MISSING_VALUES, item.span(), "a rule of missing is drop, mean, "
                    + "median, mode, interpolate or a number, for every column, or one of them "
                    + "with column names such as median(\"age\") or fill(0, \"count\"); not %s%s",
                    shown, word != null ? Names.suggestion(word, WORDS) : "");
            return null;
        }
        Missing.Strategy s = word.equals("fill") ? Missing.Strategy.CONSTANT
                : Missing.Strategy.valueOf(word.toUpperCase(Locale.ROOT));
        if (!(item instanceof Value.Call c)) {
            return new Missing.Rule(s, 0, List.of());
        }
        List<Value.Arg> args = c.args();
        double value = 0;
        int first = 0;
        if (s == Missing.Strategy.CONSTANT) {
            if (args.isEmpty() || !(args.get(0).value() instanceof Value.Num n)) {
                diags.report(Code.DATA_MISSING_VALUES, c.span(), "fill takes the value first, "
                        + "then the columns: fill(0, \"count\")");
                return null;
            }
            value = n.value();
            first = 1;
        }
        List<String> columns = new ArrayList<>();
        for (int i = first; i < args.size(); i++) {
            Value.Arg a = args.get(i);
            if (a.name() != null || !(a.value() instanceof Value.Str str)) {
                diags.report(Code.DATA_MISSING_VALUES, a.value().span(), "the arguments of %s "
                        + "are column names, strings such as \"age\", not %s", word,
                        a.value().describe());
                return null;
            }
            columns.add(str.value());
        }
        if (columns.isEmpty()) {
            diags.report(Code.DATA_MISSING_VALUES, c.span(), "%s(...) names no column; write %s "
                    + "alone for every column", word, s == Missing.Strategy.CONSTANT ? "the "
                    + "number" : word);
            return null;
        }
        return new Missing.Rule(s, value, columns);
    }

    /**
     * Reports the rules that do not fit a source whose feature columns are {@code features}
     * (the columns a rule may name) in {@code header} (all the file's columns): NN0502 for a
     * column the file lacks, NN0509 for a column that is not a feature and for a strategy the
     * source cannot apply ({@code series}: windows, where {@code drop} would cut the series;
     * else {@code interpolate} needs a series).
     */
    void checkColumns(List<String> header, List<String> features, boolean series,
            Diagnostics diags) {
        for (int i = 0; i < missing.rules().size(); i++) {
            Missing.Rule r = missing.rules().get(i);
            Span at = spans.get(i);
            if (series && r.strategy() == Missing.Strategy.DROP) {
                diags.report(Code.DATA_MISSING_VALUES, at, "drop would cut the series of a "
                        + "windows source; use interpolate or a fill such as mean");
                continue;
            }
            if (!series && r.strategy() == Missing.Strategy.INTERPOLATE) {
                diags.report(Code.DATA_MISSING_VALUES, at, "interpolate fills the gaps of a "
                        + "series (a windows source); a csv source drops or fills: drop, mean, "
                        + "median, mode or a number");
                continue;
            }
            for (String c : r.columns()) {
                if (!header.contains(c)) {
                    diags.report(Code.DATA_COLUMN_NOT_FOUND, at, "missing names column '%s', "
                            + "which the file does not have; its columns: %s%s", c,
                            String.join(", ", header), Names.suggestion(c, header));
                } else if (!features.contains(c)) {
                    diags.report(Code.DATA_MISSING_VALUES, at, "missing names column '%s', which "
                            + "is not a feature (rows with a missing label are always left out)",
                            c);
                }
            }
        }
    }
}
