package dev.nnc.cli;

import java.util.List;
import java.util.Map;

/**
 * The metrics of {@code nnc train} and {@code nnc eval} as text: the single figures one per line,
 * then, for a classifier, the per-class measures and the confusion matrix of the data they were
 * taken on.
 *
 * <pre>
 * per class, test data
 * class  samples  predicted  precision  recall      f1
 * 1           10         10          1       1       1
 * 2           10         11     0.9091       1  0.9524
 * 3           10          9          1     0.9  0.9474
 *
 * confusion matrix, test data (rows: true class, columns: class given)
 *        1   2  3
 * 1     10   0  0
 * 2      0  10  0
 * 3      0   1  9
 * </pre>
 */
final class MetricsText {
    private MetricsText() {
    }

    /** True for a value that takes one line of the table (not a list or a map). */
    static boolean scalar(Object v) {
        return !(v instanceof Map<?, ?>) && !(v instanceof List<?>);
    }

    /**
     * The table of single figures under the header {@code header} (none when empty), then the
     * per-class sections of every {@code <prefix>classes} and {@code <prefix>confusion} entry.
     */
    static String of(Map<String, Object> metrics, List<String> header) {
        Table t = header.isEmpty() ? new Table(List.of("", "")) : new Table(header, 1);
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (e.getValue() instanceof List<?> l && !l.isEmpty()
                    && l.stream().allMatch(x -> x instanceof Number)) {
                // one figure per ensemble member, in member order
                t.row(e.getKey(), String.join(" ", l.stream().map(Fmt::metric).toList()));
                continue;
            }
            if (!scalar(e.getValue())) {
                continue;
            }
            String v = e.getKey().equals("samples_per_s") && e.getValue() instanceof Number n
                    ? Fmt.rate(n.doubleValue()) : Fmt.metric(e.getValue());
            t.row(e.getKey(), v);
        }
        StringBuilder sb = new StringBuilder(t.toString());
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("classes") && e.getValue() instanceof List<?> rows) {
                sb.append('\n').append("per class").append(which(k, "classes")).append('\n')
                        .append(perClass(rows));
            } else if (k.endsWith("confusion") && e.getValue() instanceof Map<?, ?> c) {
                sb.append('\n').append("confusion matrix").append(which(k, "confusion"))
                        .append(" (rows: true class, columns: class given)\n")
                        .append(confusion(c));
            }
        }
        return sb.toString();
    }

    /** {@code test_classes} → {@code ", test data"}; no prefix → "". */
    private static String which(String key, String suffix) {
        String prefix = key.substring(0, key.length() - suffix.length());
        return switch (prefix) {
            case "" -> "";
            case "test_" -> ", test data";
            case "train_" -> ", training data";
            case "val_" -> ", validation data";
            default -> ", " + prefix.substring(0, prefix.length() - 1);
        };
    }

    private static String perClass(List<?> rows) {
        Table t = new Table(List.of("class", "samples", "predicted", "precision", "recall", "f1"),
                1, 2, 3, 4, 5);
        for (Object o : rows) {
            if (o instanceof Map<?, ?> r) {
                t.row(r.get("class"), r.get("samples"), r.get("predicted"),
                        Fmt.metric(r.get("precision")), Fmt.metric(r.get("recall")),
                        Fmt.metric(r.get("f1")));
            }
        }
        return t.toString();
    }

    private static String confusion(Map<?, ?> c) {
        List<?> names = c.get("classes") instanceof List<?> l ? l : List.of();
        List<?> counts = c.get("counts") instanceof List<?> l ? l : List.of();
        String[] header = new String[names.size() + 1];
        int[] right = new int[names.size()];
        header[0] = "";
        for (int i = 0; i < names.size(); i++) {
            header[i + 1] = String.valueOf(names.get(i));
            right[i] = i + 1;
        }
        Table t = new Table(List.of(header), right);
        for (int i = 0; i < counts.size(); i++) {
            Object[] cells = new Object[names.size() + 1];
            cells[0] = i < names.size() ? names.get(i) : "";
            if (counts.get(i) instanceof List<?> row) {
                for (int j = 0; j < row.size() && j < names.size(); j++) {
                    cells[j + 1] = row.get(j);
                }
            }
            t.row(cells);
        }
        return t.toString();
    }
}
