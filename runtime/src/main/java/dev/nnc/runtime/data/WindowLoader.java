package dev.nnc.runtime.data;

import static dev.nnc.runtime.data.Targets.count;
import static dev.nnc.runtime.data.Targets.targets;
import static dev.nnc.runtime.data.Targets.where;

import dev.nnc.runtime.data.Targets.Labels;
import dev.nnc.runtime.io.DataException;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Missing;
import dev.nnc.runtime.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader of {@code windows(...)}: sliding windows over a CSV time series (see
 * {@link WindowReader}).
 */
final class WindowLoader {
    private WindowLoader() {
    }

    /**
     * {@code windows(...)}: sliding windows over a CSV time series (see {@link WindowReader});
     * each window is one sample of {@code window * features} values, step-major, its targets the
     * labels.
     */
    static LoadedData load(Path file, DataSource.Windows src, int inputSize,
            int outputSize, ModelSpec.Loss loss, ClassLabels classesOrNull) {
        CsvTable t = prepare(CsvReader.readAny(file), src);
        ModelSpec.Window win = src.window();
        WindowReader.Windows w = WindowReader.read(t, win, src.scale());
        if (w.width() != inputSize) {
            throw new DataException(file + ": a window of " + win.length() + " steps of "
                    + count(win.features().size(), "feature") + " holds " + w.width()
                    + " values but the model has " + count(inputSize, "input")
                    + " (a windows source feeds an input [" + win.length() + ","
                    + win.features().size() + "])");
        }
        List<Integer> targetCols = new ArrayList<>();
        for (String name : win.targets()) {
            targetCols.add(t.indexOf(name));
        }
        int k = w.targets();
        Labels l = new Labels(w.y(), k, (r, j) -> where(t, w.targetRows()[r], targetCols.get(j)),
                "column '" + (k == 1 ? win.targets().get(0) : "") + "' of " + t.file(),
                file + " has " + count(k, "target column") + " (" + String.join(", ",
                        win.targets()) + ")");
        LoadedData d = targets(w.x(), w.n(), inputSize, l, outputSize, loss, classesOrNull,
                List.of(), win.targets());
        if (w.base() != null) {
            float[] base = new float[w.base().length];
            for (int i = 0; i < base.length; i++) {
                base[i] = (float) w.base()[i];
            }
            d.dataset().withBase(base);
        }
        return d;
    }


    /**
     * The series {@code t} ready to be cut: a wide table read in long form ({@link
     * WideSeries}); the gaps of the columns {@code missing: interpolate}
     * covers filled; the columns the windows read checked to be numbers (features may be missing
     * where a rule fills them; targets and the time column only when interpolated).
     */
    static CsvTable prepare(CsvTable t, DataSource.Windows src) {
        ModelSpec.Window win = src.window();
        if (win.wide() != null) {
            t = WideSeries.melt(t, win.time(), List.of(win.wide()), win.wide());
        }
        Missing missing = src.missing();
        List<String> used = new ArrayList<>(win.features());
        for (String c : win.targets()) {
            if (!used.contains(c)) {
                used.add(c);
            }
        }
        if (win.time() != null && !used.contains(win.time())) {
            used.add(win.time());
        }
        for (String name : used) {
            int c = t.indexOf(name);
            if (c < 0) {
                continue; // WindowReader names the missing column
            }
            if (name.equals(win.time()) && !win.features().contains(name)
                    && !win.targets().contains(name)) {
                t.parseTimes(c);
            }
            t.requireNumbers(c, missing.ruleFor(name) != null);
            if (missing.interpolates(name) && t.hasMissing(c)) {
                double[] v = t.column(c);
                Missing.interpolate(v);
                t.replaceColumn(c, v);
            }
            boolean filled = win.features().contains(name) && missing.ruleFor(name) != null;
            if (!filled) {
                t.requireNumbers(c);
            }
        }
        return t;
    }
}
