package dev.nnc.cli.report;

import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Prediction;
import dev.nnc.runtime.predict.Predictor;
import dev.nnc.runtime.train.Confusion;
import dev.nnc.runtime.train.LayerHistograms;
import dev.nnc.runtime.train.Metrics;
import dev.nnc.runtime.train.Training;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;

/**
 * The report of a trained model: a self-contained {@code index.html} and the PNG images it shows,
 * written into one directory.
 *
 * <p>What it holds, when it applies:
 * <ul>
 * <li>{@code loss.png}, {@code metric.png} (accuracy or R²) and {@code lr.png} per epoch, from
 *     the history (see {@link TrainingCurves});
 * <li>{@code fit.png} and {@code test.png} for one input and one output (regression): the fitted
 *     curve over the training points, and the model over the test points;
 * <li>{@code predicted.png}, {@code residuals.png} for every regression, {@code series.png} for
 *     one trained on windows (see {@link RegressionFigures});
 * <li>{@code regions.png} for two inputs and a class output: the decision regions over the
 *     training points;
 * <li>{@code confusion.png} for classifiers: the confusion matrix on the test data (the training
 *     data when the model names no test data), with per-class precision, recall and F1 and their
 *     macro and weighted means in the page (from the runtime's {@code Confusion});
 * <li>what the layers see during training, when the caller watched it: {@link LayerCharts};
 * <li>{@code model.png}: the model diagram, and the layer table (the summary);
 * <li>the final metrics and the run's settings, as the caller gives them, and the preprocessing.
 * </ul>
 * Charts are drawn headless, at twice their size on the page ({@link Charts#png}); the page needs no network and no script to show, and carries a small
 * script that marks, on load, whether every image loaded ({@code data-images-loaded} on body).
 */
public final class Report {
    static final int W = 800;
    static final int H = 450;
    static final int LR_H = 280;
    private static final int GRID = 150;

    private Report() {
    }

    /**
     * What the report is made of.
     *
     * @param ir the checked model (diagram, layer table)
     * @param model the trained model, weights loaded
     * @param prep the preprocessing saved with the weights
     * @param history the per-epoch history, or {@code null} (no curves then)
     * @param metrics the final metrics, formatted, in order
     * @param settings the run's settings, formatted, in order
     * @param baseDir the directory the model's data paths are relative to
     * @param command the command line that made the report, for the page's footer
     * @param layers the histograms of the layers taken during training, or {@code null}
     */
    public record Input(ModelIR ir, Model model, Preprocessing prep, History history,
            Map<String, String> metrics, Map<String, String> settings, Path baseDir,
            String command, LayerHistograms layers) {
    }

    /** The files written: the page and the images, in the page's order. */
    public record Output(Path index, List<Path> images) {
    }

    /** Writes the report of {@code in} into {@code dir}, created when missing. */
    public static Output write(Input in, Path dir) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Page page = new Page(in);
        List<Path> images = new ArrayList<>();
        ModelSpec spec = in.model().spec();
        boolean classifier = isSingleLabelClassifier(in.model());

        if (in.history() != null && !in.history().rows().isEmpty()) {
            curves(in.history(), spec, dir, page, images);
        }
        LoadedData train = load(in, spec.data().train());
        LoadedData test = load(in, spec.data().test());
        int inputs = in.model().inputSize();
        int outputs = in.model().outputSize();
        if (!spec.loss().isClassification() && inputs == 1 && outputs == 1 && train != null) {
            RegressionFigures.curve(in, train, test, dir, page, images);
        }
        if (!spec.loss().isClassification() && train != null) {
            RegressionFigures.write(in, train, test, dir, page, images);
        }
        if (classifier && inputs == 2 && train != null) {
            regions(in, train, test, dir, page, images);
        }
        if (classifier && (test != null || train != null)) {
            confusion(in, test != null ? test : train, test != null ? "test" : "training", dir,
                    page, images);
        }
        page.layers = LayerCharts.write(in.layers(), dir);
        page.layers.forEach(i -> images.add(i.file()));
        Path diagram = dir.resolve("model.png");
        Charts.png(Diagram.of(in.ir()).toImage(2), diagram);
        images.add(diagram);
        page.model(diagram.getFileName().toString(), Diagram.WIDTH,
                Diagram.of(in.ir()).height());

        Path index = dir.resolve("index.html");
        try {
            Files.writeString(index, page.html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Output(index, List.copyOf(images));
    }

    /** Softmax with cross-entropy, or one sigmoid output with binary cross-entropy. */
    static boolean isSingleLabelClassifier(Model m) {
        ModelSpec.Loss loss = m.spec().loss();
        return loss == ModelSpec.Loss.CROSS_ENTROPY && m.outputSize() > 1
                || loss == ModelSpec.Loss.BINARY_CROSS_ENTROPY && m.outputSize() == 1;
    }

    static LoadedData load(Input in, DataSource src) {
        if (src == null) {
            return null;
        }
        Path p = Path.of(src.path());
        Path file = p.isAbsolute() ? p : in.baseDir().resolve(p).normalize();
        // Raw values, as the data holds them: the predictor applies the model's scale.
        return DataLoader.load(file, src.resolve(in.baseDir()).withScale(1),
                in.model().inputSize(), in.model().outputSize(), in.model().spec().loss(),
                in.prep().classes(), in.prep().oneHot());
    }

    private static void curves(History h, ModelSpec spec, Path dir, Page page,
            List<Path> images) {
        Path p = dir.resolve("loss.png");
        Charts.png(TrainingCurves.loss(h, spec), W, H, p);
        images.add(p);
        page.image("Loss", p, "The loss per epoch: the mean of the epoch's batch losses (every "
                + "epoch), and the loss over the whole training and validation sets where the "
                + "trainer measured it (logged epochs, the last one, and those the stop "
                + "condition reads).");
        JFreeChart metric = TrainingCurves.metric(h, spec);
        if (metric != null) {
            String label = spec.loss().isClassification() ? "Accuracy" : "R²";
            Path mp = dir.resolve("metric.png");
            Charts.png(metric, W, H, mp);
            images.add(mp);
            page.image(label, mp, label + " over the training and validation sets, at the "
                    + "epochs where it was measured.");
        }
        if (h.has("lr")) {
            Path lp = dir.resolve("lr.png");
            Charts.png(TrainingCurves.rate(h, spec), W, LR_H, lp);
            images.add(lp);
            page.image("Learning rate", lp, "The optimizer's learning rate in each epoch ("
                    + spec.optimizer().name() + ").");
        }
    }

    private static void regions(Input in, LoadedData train, LoadedData test, Path dir,
            Page page, List<Path> images) {
        Predictor pr = new Predictor(in.model(), in.prep());
        Dataset d = train.dataset();
        double[] x0 = column(d.x(), d.size(), 2, 0);
        double[] x1 = column(d.x(), d.size(), 2, 1);
        double lo0 = min(x0);
        double hi0 = max(x0);
        double lo1 = min(x1);
        double hi1 = max(x1);
        if (test != null) {
            Dataset t = test.dataset();
            lo0 = Math.min(lo0, min(column(t.x(), t.size(), 2, 0)));
            hi0 = Math.max(hi0, max(column(t.x(), t.size(), 2, 0)));
            lo1 = Math.min(lo1, min(column(t.x(), t.size(), 2, 1)));
            hi1 = Math.max(hi1, max(column(t.x(), t.size(), 2, 1)));
        }
        double m0 = Math.max(hi0 - lo0, 1e-9) * 0.08;
        double m1 = Math.max(hi1 - lo1, 1e-9) * 0.08;
        double[] gx = grid(lo0 - m0, hi0 + m0);
        double[] gy = grid(lo1 - m1, hi1 + m1);
        double[][] rows = new double[GRID * GRID][];
        for (int j = 0; j < GRID; j++) {
            for (int i = 0; i < GRID; i++) {
                rows[j * GRID + i] = new double[] {gx[i], gy[j]};
            }
        }
        List<Prediction> preds = pr.classify(rows);
        int[] cls = new int[rows.length];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = preds.get(i).index();
        }
        int[] pc = trueClasses(d, in.model().outputSize());
        Path p = dir.resolve("regions.png");
        Charts.png(Charts.regions("Decision regions over the training data",
                name(train.features(), 0, "x1"), name(train.features(), 1, "x2"), gx, gy, cls,
                x0, x1, pc, shown(labels(in))), W, (int) (W * 0.75), p);
        images.add(p);
        page.image("Decision regions", p, "The class the model gives each point of the plane "
                + "(pale), and the " + d.size() + " training samples in the color of their true "
                + "class.");
    }

    private static void confusion(Input in, LoadedData data, String which, Path dir, Page page,
            List<Path> images) {
        Predictor pr = new Predictor(in.model(), in.prep());
        Dataset d = data.dataset();
        int in1 = d.inputSize();
        double[][] rows = new double[d.size()][in1];
        for (int s = 0; s < d.size(); s++) {
            for (int j = 0; j < in1; j++) {
                rows[s][j] = d.x()[s * in1 + j];
            }
        }
        List<Prediction> preds = pr.classify(rows);
        int[] truth = trueClasses(d, in.model().outputSize());
        List<String> labels = labels(in);
        int k = labels.size();
        long[][] m = new long[k][k];
        for (int s = 0; s < d.size(); s++) {
            m[truth[s]][preds.get(s).index()]++;
        }
        Path p = dir.resolve("confusion.png");
        int side = Math.min(W, 260 + 90 * k);
        Charts.png(Charts.confusion("Confusion matrix, " + which + " data (" + d.size()
                + " samples)", m, shown(labels)), side + 80, side, p);
        images.add(p);
        page.confusion(p, which, m, labels);
    }

    /** The true class index of each sample: argmax of one-hot targets, or y ≥ 0.5. */
    static int[] trueClasses(Dataset d, int k) {
        int[] c = new int[d.size()];
        for (int s = 0; s < d.size(); s++) {
            c[s] = k == 1 ? (d.y()[s] >= 0.5f ? 1 : 0) : Metrics.argmax(d.y(), s * k, k);
        }
        return c;
    }

    /** The class labels as the data writes them, by output index. */
    static List<String> labels(Input in) {
        return Training.classNames(in.prep().classes(), Math.max(2, in.model().outputSize()));
    }

    /**
     * Class names as charts show them: a name the data gives as is ({@code setosa}), a number
     * as {@code class 3}.
     */
    static List<String> shown(List<String> labels) {
        List<String> l = new ArrayList<>();
        for (String s : labels) {
            l.add(s.matches("-?[0-9][0-9.eE+-]*") ? "class " + s : s);
        }
        return l;
    }

    /** The name of column {@code i}, or {@code fallback} when the data has no names. */
    static String name(List<String> names, int i, String fallback) {
        return i < names.size() && !names.get(i).isBlank() ? names.get(i) : fallback;
    }

    private static double[] grid(double lo, double hi) {
        double[] g = new double[GRID];
        double step = (hi - lo) / GRID;
        for (int i = 0; i < GRID; i++) {
            g[i] = lo + step * (i + 0.5);
        }
        return g;
    }

    static double[] column(float[] v, int n, int width, int col) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = v[i * width + col];
        }
        return c;
    }



    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static String cap(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** The HTML page, built section by section. */
    static final class Page {
        private final Input in;
        private final StringBuilder charts = new StringBuilder();
        private final StringBuilder data = new StringBuilder();
        private final StringBuilder model = new StringBuilder();
        private List<LayerCharts.Image> layers = List.of();

        Page(Input in) {
            this.in = in;
        }

        void image(String title, Path p, String caption) {
            StringBuilder sb = p.getFileName().toString().matches("loss.png|metric.png|lr.png")
                    ? charts : data;
            int h = p.getFileName().toString().equals("lr.png") ? LR_H
                    : p.getFileName().toString().equals("regions.png") ? (int) (W * 0.75) : H;
            figure(sb, title, p.getFileName().toString(), W, h, caption);
        }

        void confusion(Path p, String which, long[][] m, List<String> labels) {
            int k = labels.size();
            int side = Math.min(W, 260 + 90 * k);
            figure(data, "Confusion matrix", p.getFileName().toString(), side + 80, side,
                    "Rows: the true class; columns: the class the model gives; on the " + which
                            + " data.");
            Confusion c = new Confusion(k);
            for (int t = 0; t < k; t++) {
                for (int q = 0; q < k; q++) {
                    for (long i = 0; i < m[t][q]; i++) {
                        c.add(t, q);
                    }
                }
            }
            data.append("<table class=\"num\" id=\"classes\"><caption>Per class, ")
                    .append(esc(which)).append(" data</caption>\n<tr><th>class</th>"
                            + "<th>samples</th><th>predicted</th><th>precision</th>"
                            + "<th>recall</th><th>F1</th></tr>\n");
            for (int q = 0; q < k; q++) {
                data.append("<tr><td>").append(esc(labels.get(q))).append("</td><td>")
                        .append(c.support(q)).append("</td><td>").append(c.predicted(q))
                        .append("</td><td>").append(fixed(c.precision(q))).append("</td><td>")
                        .append(fixed(c.recall(q))).append("</td><td>").append(fixed(c.f1(q)))
                        .append("</td></tr>\n");
            }
            data.append("<tr><th>macro mean</th><td></td><td></td><td>")
                    .append(fixed(c.macroPrecision())).append("</td><td>")
                    .append(fixed(c.macroRecall())).append("</td><td>")
                    .append(fixed(c.macroF1())).append("</td></tr>\n");
            data.append("<tr><th>weighted mean</th><td></td><td></td><td>")
                    .append(fixed(c.weightedPrecision())).append("</td><td>")
                    .append(fixed(c.weightedRecall())).append("</td><td>")
                    .append(fixed(c.weightedF1())).append("</td></tr>\n");
            data.append("<tr><th>all</th><td>").append(c.total()).append("</td><td>")
                    .append(c.total()).append("</td><td colspan=\"3\">accuracy ")
                    .append(fixed(c.accuracy())).append("</td></tr>\n</table>\n");
        }

        void model(String file, int w, int h) {
            figure(model, null, file, w, h, "Layers top to bottom, with the shape of one sample "
                    + "between them.");
            ModelIR m = in.ir();
            model.append("<table class=\"num\" id=\"summary\"><caption>Summary</caption>\n"
                    + "<tr><th>#</th><th>layer</th><th>kind</th><th>output</th><th>params</th>"
                    + "<th>FLOPs</th></tr>\n");
            for (LayerIR l : m.layers()) {
                model.append("<tr><td>").append(l.index() + 1).append("</td><td>")
                        .append(esc(l.name())).append("</td><td>").append(esc(Diagram.call(l)))
                        .append("</td><td>").append(esc(l.out().toString())).append("</td><td>")
                        .append(count(l.paramCount())).append("</td><td>")
                        .append(count(l.flops())).append("</td></tr>\n");
            }
            model.append("<tr class=\"total\"><td></td><td>total</td><td></td><td>")
                    .append(esc(m.output().toString())).append("</td><td>")
                    .append(count(m.paramCount())).append("</td><td>").append(count(m.flops()))
                    .append("</td></tr>\n</table>\n");
            ModelSpec s = m.spec();
            model.append("<p>input ").append(esc(m.input().toString())).append(" · loss ")
                    .append(esc(s.loss().id())).append(" · optimizer ")
                    .append(esc(s.optimizer().name())).append(" · ")
                    .append(count(m.paramCount())).append(" parameters (")
                    .append(count(4L * m.paramCount())).append(" bytes as float32) · ")
                    .append(count(m.flops())).append(" FLOPs per sample forward</p>\n");
            model.append("<p id=\"preprocessing\">preprocessing: ")
                    .append(esc(in.prep().describe(s.loss()))).append("</p>\n");
        }

        private static void figure(StringBuilder sb, String title, String file, int w, int h,
                String caption) {
            sb.append("<figure>");
            if (title != null) {
                sb.append("<h3>").append(esc(title)).append("</h3>");
            }
            sb.append("<img src=\"").append(esc(file)).append("\" width=\"").append(w)
                    .append("\" height=\"").append(h).append("\" alt=\"")
                    .append(esc(title != null ? title : file)).append("\"><figcaption>")
                    .append(esc(caption)).append("</figcaption></figure>\n");
        }

        String html() {
            ModelIR m = in.ir();
            StringBuilder sb = new StringBuilder();
            sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.append("<title>").append(esc("nnc report: " + m.name())).append("</title>\n");
            sb.append("<link rel=\"icon\" href=\"data:,\">\n");
            sb.append("<style>\n").append(CSS).append("</style>\n");
            sb.append("<script>\n").append(SCRIPT).append("</script>\n");
            sb.append("</head>\n<body>\n");
            sb.append("<h1>").append(esc(m.name())).append("</h1>\n");
            sb.append("<p class=\"sub\">").append(esc(m.source().displayName()))
                    .append(" · trained model report by nnc</p>\n");
            sb.append("<div class=\"row\">\n");
            table(sb, "Final metrics", "metrics", in.metrics());
            Map<String, String> settings = new LinkedHashMap<>(in.settings());
            settings.put("preprocessing", in.prep().describe(m.spec().loss()));
            table(sb, "Run", "settings", settings);
            sb.append("</div>\n");
            if (data.length() > 0) {
                sb.append("<h2>The model on its data</h2>\n<div class=\"figs\">\n")
                        .append(data).append("</div>\n");
            }
            if (charts.length() > 0) {
                sb.append("<h2>Training curves</h2>\n<div class=\"figs\">\n").append(charts)
                        .append("</div>\n");
            }
            sb.append(LayerCharts.html(layers));
            sb.append("<h2>Model</h2>\n").append(model);
            sb.append("<footer>Made by <code>").append(esc(in.command()))
                    .append("</code></footer>\n");
            sb.append("</body>\n</html>\n");
            return sb.toString();
        }

        private static void table(StringBuilder sb, String caption, String id,
                Map<String, String> rows) {
            sb.append("<table class=\"kv\" id=\"").append(id).append("\"><caption>")
                    .append(esc(caption)).append("</caption>\n");
            for (Map.Entry<String, String> e : rows.entrySet()) {
                sb.append("<tr><th>").append(esc(e.getKey())).append("</th><td>")
                        .append(esc(e.getValue())).append("</td></tr>\n");
            }
            sb.append("</table>\n");
        }

        private static String fixed(double v) {
            return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
        }

        private static String count(long n) {
            return String.format(Locale.ROOT, "%,d", n);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static final String CSS = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px auto;
                   max-width: 1240px; padding: 0 16px; color: #222; background: #fff; }
            h1 { margin-bottom: 0; }
            h2 { border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
            .sub { color: #666; margin-top: 4px; }
            .row { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
            table { border-collapse: collapse; margin: 8px 0; }
            caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
            th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; }
            th { text-align: left; font-weight: normal; color: #555; }
            table.kv td { text-align: right; font-variant-numeric: tabular-nums; }
            table.num td { text-align: right; font-variant-numeric: tabular-nums; }
            table.num th { font-weight: bold; color: #222; }
            tr.total td { border-top: 2px solid #999; font-weight: bold; }
            .figs { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: flex-start; }
            .figs figure { flex: 1 1 540px; max-width: 800px; }
            .figs table { align-self: center; }
            figure { margin: 8px 0 16px 0; }
            h3 { margin: 8px 0; }
            img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #666; font-size: 90%; max-width: 800px; }
            footer { margin-top: 32px; color: #888; font-size: 85%; }
            """;

    // NOTE: marks on body whether every image loaded and how many errors the page saw; the
    // Chromium test of the report reads these attributes from the dumped DOM.
    private static final String SCRIPT = """
            (function () {
              var errors = 0;
              window.addEventListener('error', function () { errors++; }, true);
              window.addEventListener('load', function () {
                var imgs = document.images, ok = 0;
                for (var i = 0; i < imgs.length; i++) {
                  if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; }
                }
                var b = document.body;
                b.setAttribute('data-images', ok + '/' + imgs.length);
                b.setAttribute('data-images-loaded', String(ok === imgs.length));
                b.setAttribute('data-errors', String(errors));
              });
            })();
            """;
}
