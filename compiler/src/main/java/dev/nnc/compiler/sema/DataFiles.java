package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Code;
import dev.nnc.compiler.diag.Diagnostics;
import dev.nnc.compiler.diag.SourceFile;
import dev.nnc.compiler.diag.Span;
import dev.nnc.compiler.ops.Shape;
import dev.nnc.runtime.model.ClassLabels;
import dev.nnc.runtime.io.DataException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the checkers of every kind of data source share: finding a data file next to the
 * {@code .nn} file (with "did you mean" for a near miss) and counting the classes of training
 * labels against the outputs.
 */
final class DataFiles {
    /** Where the Debian package dataset-fashion-mnist installs Fashion-MNIST. */
    private static final String FASHION_MNIST = "fashion-mnist";
    /** Distinct training labels read at most to tell the classes from the outputs. */
    static final int MAX_CLASSES = 100_000;
    /** Class labels a message shows at most. */
    private static final int SHOWN_CLASSES = 10;

    private DataFiles() {
    }

    /**
     * The resolved path of a data file argument when the file exists; otherwise reports NN0501
     * (with how to install Fashion-MNIST when that is what is missing) and returns {@code null}.
     */
    static Path existing(Value.Str pathV, SourceFile file, Diagnostics diags) {
        Path p;
        try {
            p = file.path().toAbsolutePath().getParent().resolve(pathV.value()).normalize();
        } catch (InvalidPathException e) {
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "invalid path \"%s\"",
                    pathV.value());
            return null;
        }
        if (!Files.isRegularFile(p)) {
            String hint = p.toString().toLowerCase(Locale.ROOT).contains(FASHION_MNIST)
                    ? "; Fashion-MNIST comes with the Debian package dataset-fashion-mnist "
                    + "(apt-get install dataset-fashion-mnist puts it in "
                    + "/usr/share/datasets/fashion-mnist)" : "";
            diags.report(Code.DATA_FILE_NOT_FOUND, pathV.span(), "data file \"%s\" does not exist "
                    + "(looked for %s)%s%s", pathV.value(), p, hint,
                    DataException.printable(neighbour(pathV.value(), p)));
            return null;
        }
        return p;
    }

    /** How many entries of a directory are compared with a missing file's name, at most. */
    private static final int NEIGHBOURS = 10_000;

    /**
     * {@code "; did you mean 'rings-train.csv'?"} when a file in the missing file's directory has a
     * name close to its name (by edit distance, as for names), written as the path was written;
     * otherwise "".
     */
    private static String neighbour(String written, Path missing) {
        Path dir = missing.getParent();
        Path name = missing.getFileName();
        if (dir == null || name == null || !Files.isDirectory(dir)) {
            return "";
        }
        List<String> names = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            s.limit(NEIGHBOURS).filter(Files::isRegularFile)
                    .forEach(f -> names.add(f.getFileName().toString()));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
        String close = Names.closest(name.toString(), names);
        if (close == null) {
            return "";
        }
        int slash = Math.max(written.lastIndexOf('/'), written.lastIndexOf('\\'));
        return "; did you mean '" + written.substring(0, slash + 1) + close + "'?";
    }

    /**
     * The distinct finite values of {@code labels}, sorted, -0 as 0 (as the runtime counts
     * classes; a label that is not finite is reported when the data is read).
     */
    static double[] distinct(double[] labels) {
        java.util.TreeSet<Double> set = new java.util.TreeSet<>();
        for (double v : labels) {
            if (Double.isFinite(v)) {
                set.add(v == 0 ? 0.0 : v);
            }
        }
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * NN0508 at the output layer when the distinct labels {@code found} (of {@code origin}) are
     * not as many as the outputs: cross_entropy trains one output per class.
     */
    static void classCount(double[] found, String origin, Shape out, Span output,
            Diagnostics diags) {
        List<String> names = new ArrayList<>();
        for (double v : found) {
            names.add(ClassLabels.format(v));
        }
        classCount(names, origin, out, output, diags);
    }

    /** {@link #classCount(double[], String, Shape, Span, Diagnostics)} of labels as written. */
    static void classCount(List<String> found, String origin, Shape out, Span output,
            Diagnostics diags) {
        int size = found.size();
        if (size == out.size() || size == 0) {
            return;
        }
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(size, SHOWN_CLASSES); i++) {
            shown.append(i == 0 ? "" : ", ").append(found.get(i));
        }
        if (size > SHOWN_CLASSES) {
            shown.append(", …");
        }
        String count = (size > MAX_CLASSES ? "more than " + MAX_CLASSES
                : String.valueOf(size)) + (size == 1 ? " class" : " classes")
                + " (" + shown + ")";
        diags.report(Code.DATA_CLASS_COUNT, output, "the training labels hold %s in %s, but the "
                + "model has %d outputs; cross_entropy needs one output per class",
                DataException.printable(count), DataException.printable(origin), out.size());
    }
}
