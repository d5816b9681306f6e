package dev.nnc.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns separated by two spaces, text left-aligned, numbers (columns marked
 * right) right-aligned, no trailing spaces. Rows added with {@link #rule()} become a line of
 * dashes as wide as the table.
 */
final class Table {
    private final List<String> header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** A table with the given header; {@code rightAligned} marks columns by index. */
    Table(List<String> header, int... rightAligned) {
        this.header = List.copyOf(header);
        this.right = new boolean[header.size()];
        for (int i : rightAligned) {
            right[i] = true;
        }
    }

    Table row(Object... cells) {
        String[] r = new String[header.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    /** A horizontal line. */
    Table rule() {
        rows.add(null);
        return this;
    }

    @Override
    public String toString() {
        int n = header.size();
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = header.get(i).length();
        }
        for (String[] r : rows) {
            if (r != null) {
                for (int i = 0; i < n; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
        }
        int total = (n - 1) * 2;
        for (int x : w) {
            total += x;
        }
        StringBuilder sb = new StringBuilder();
        if (header.stream().anyMatch(h -> !h.isEmpty())) {
            line(sb, header.toArray(new String[0]), w);
        }
        for (String[] r : rows) {
            if (r == null) {
                sb.append("-".repeat(total)).append('\n');
            } else {
                line(sb, r, w);
            }
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                l.append("  ");
            }
            String c = cells[i];
            String pad = " ".repeat(w[i] - c.length());
            l.append(right[i] ? pad + c : c + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
