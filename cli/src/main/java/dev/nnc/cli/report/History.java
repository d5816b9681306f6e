package dev.nnc.cli.report;

import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.optim.Optimizers;
import dev.nnc.runtime.train.EpochRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-epoch history of a training run as a table: one row per epoch, one column per measure,
 * NaN where a measure was not taken that epoch. Saved by {@code nnc train} as CSV next to the
 * weights ({@code <weights-stem>.history.csv}) and read back by {@code nnc report}.
 *
 * <p>The columns, in this order: {@code epoch}, {@code train_loss} (mean batch loss of the epoch,
 * every epoch), {@code loss} and {@code accuracy} or {@code r2} (over the whole training part),
 * {@code val_loss} and {@code val_accuracy} or {@code val_r2} (with validation data), any other
 * measure the trainer reports, then {@code lr} (the optimizer's learning rate in that epoch) and
 * {@code seconds} (wall time of the epoch). The full-set measures are taken on logged epochs, the
 * last one and those the stop condition reads; their cells are empty on the other rows.
 *
 * <pre>
 * epoch,train_loss,loss,accuracy,val_loss,val_accuracy,lr,seconds
 * 1,0.693412,,,,,0.1,0.00121
 * 50,0.412,0.40873,0.8925,0.40117,0.875,0.1,0.000161
 * </pre>
 *
 * @param columns the column names; the first is {@code epoch}
 * @param rows the values, one array per epoch, as wide as {@code columns}
 */
public record History(List<String> columns, List<double[]> rows) {
    /** The file name suffix next to the weights' stem. */
    public static final String SUFFIX = ".history.csv";

    public History {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        if (columns.isEmpty() || !columns.get(0).equals("epoch")) {
            throw new IllegalArgumentException("the first column must be epoch: " + columns);
        }
        for (double[] r : rows) {
            if (r.length != columns.size()) {
                throw new IllegalArgumentException("row of " + r.length + " values, "
                        + columns.size() + " columns");
            }
        }
    }

    /**
     * The history of a run from the trainer's records; {@code lr} is the learning rate the trainer
     * recorded for the epoch, or else the one of the model's optimizer as its spec gives it.
     */
    public static History of(List<EpochRecord> records, ModelSpec spec) {
        String q = spec.loss().isClassification() ? "accuracy" : "r2";
        Set<String> names = new LinkedHashSet<>(List.of("train_loss", "loss", q, "val_loss",
                "val_" + q));
        boolean val = false;
        for (EpochRecord r : records) {
            names.addAll(r.metrics().keySet());
            val |= r.metrics().containsKey("val_loss");
        }
        if (!val) {
            names.remove("val_loss");
            names.remove("val_" + q);
        }
        names.remove("lr");
        names.remove("seconds");
        List<String> cols = new ArrayList<>();
        cols.add("epoch");
        cols.addAll(names);
        cols.add("lr");
        cols.add("seconds");
        double lr = learningRate(spec.optimizer());
        List<double[]> rows = new ArrayList<>(records.size());
        for (EpochRecord r : records) {
            double[] v = new double[cols.size()];
            v[0] = r.epoch();
            int i = 1;
            for (String n : names) {
                v[i++] = r.metric(n);
            }
            // NOTE: the trainer's own lr per epoch when it records one (schedules), else the
            // spec's constant rate.
            v[i++] = r.metrics().containsKey("lr") ? r.metric("lr") : lr;
            v[i] = r.seconds();
            rows.add(v);
        }
        return new History(cols, rows);
    }

    /** The learning rate of an optimizer spec: its {@code lr}, or the optimizer's default. */
    public static double learningRate(ModelSpec.OptimizerSpec o) {
        Double def = Double.NaN;
        try {
            def = Optimizers.arguments(o.name()).getOrDefault("lr", Double.NaN);
        } catch (IllegalArgumentException e) {
            // an optimizer the runtime does not know: no default
        }
        return o.arg("lr", def);
    }

    /**
     * Where the history of weights goes: {@code runs/m.safetensors} → {@code runs/m.history.csv}.
     */
    public static Path pathFor(Path weights) {
        String name = weights.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return weights.resolveSibling(stem + SUFFIX);
    }

    /** The column's index, or -1. */
    public int column(String name) {
        return columns.indexOf(name);
    }

    /** True when the column exists and holds at least one number. */
    public boolean has(String name) {
        int c = column(name);
        if (c < 0) {
            return false;
        }
        for (double[] r : rows) {
            if (!Double.isNaN(r[c])) {
                return true;
            }
        }
        return false;
    }

    /** The values of a column (NaN where not taken); all NaN when there is no such column. */
    public double[] values(String name) {
        int c = column(name);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = c < 0 ? Double.NaN : rows.get(i)[c];
        }
        return v;
    }

    /** The CSV text: a header row, then one row per epoch; NaN as an empty cell. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(String.join(",", columns)).append('\n');
        for (double[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(i == 0 ? Long.toString((long) r[0]) : number(r[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file}, creating missing directories. */
    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a history CSV as {@link #write} writes it.
     *
     * @throws DataException naming the file and line of a malformed row
     */
    public static History read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new DataException(file + ": empty, not a training history (an epoch,... header"
                    + " and one row per epoch)");
        }
        List<String> cols = Arrays.stream(lines.get(0).split(",", -1)).map(String::strip)
                .toList();
        if (!cols.get(0).equals("epoch")) {
            throw new DataException(file + ":1: the first column is '" + cols.get(0)
                    + "', not 'epoch'; not a training history written by nnc train");
        }
        List<double[]> rows = new ArrayList<>();
        for (int ln = 1; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != cols.size()) {
                throw new DataException(file + ":" + (ln + 1) + ": " + cells.length
                        + " cells, the header has " + cols.size());
            }
            double[] v = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                String c = cells[i].strip();
                if (c.isEmpty() || c.equalsIgnoreCase("nan")) {
                    v[i] = Double.NaN;
                    continue;
                }
                if (c.equals("inf") || c.equals("-inf")) {
                    v[i] = c.startsWith("-") ? Double.NEGATIVE_INFINITY
                            : Double.POSITIVE_INFINITY;
                    continue;
                }
                try {
                    v[i] = Double.parseDouble(c);
                } catch (NumberFormatException e) {
                    throw new DataException(file + ":" + (ln + 1) + ": column '" + cols.get(i)
                            + "': '" + c + "' is not a number");
                }
            }
            if (Double.isNaN(v[0])) {
                throw new DataException(file + ":" + (ln + 1) + ": no epoch");
            }
            rows.add(v);
        }
        return new History(cols, rows);
    }

    /** Six significant digits, shortest form: {@code 0.693412}, {@code 1.2e-07}, {@code 100}. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        double a = Math.abs(v);
        return a >= 1e-5 && a < 1e9 ? b.toPlainString() : b.toString().replace('E', 'e');
    }
}
