package dev.nnc.cli.report;

import dev.nnc.runtime.data.CsvReader;
import dev.nnc.runtime.data.CsvTable;
import dev.nnc.runtime.data.DataLoader;
import dev.nnc.runtime.data.Dataset;
import dev.nnc.runtime.data.LoadedData;
import dev.nnc.runtime.data.WindowReader;
import dev.nnc.runtime.model.DataSource;
import dev.nnc.runtime.model.Difference;
import dev.nnc.runtime.model.ModelSpec;
import dev.nnc.runtime.predict.Predictor;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a regression in a report: for one input and one output {@code fit.png} and
 * {@code test.png} (the model's curve; for a differenced series its forecasts in the series' own
 * units); for any number of inputs and outputs
 * {@code predicted.png} (predicted against actual) and {@code residuals.png} on the test data
 * (the training data when the model names none), and for a model trained on
 * {@code windows(...)} of a series, {@code series.png}: the series and the model's forecasts over
 * time, with the line where the test part begins.
 */
final class RegressionFigures {
    private RegressionFigures() {
    }

    /** The values a regression figure shows: actual and predicted, {@code k} per sample. */
    record Answers(double[] actual, double[] predicted, List<String> names) {
    }

    /** The model's answers on {@code data} against its labels, in the labels' own units. */
    static Answers answers(Report.Input in, LoadedData data) {
        Dataset d = data.dataset();
        int w = d.inputSize();
        int k = d.outputSize();
        double[][] rows = new double[d.size()][w];
        for (int s = 0; s < d.size(); s++) {
            for (int j = 0; j < w; j++) {
                rows[s][j] = d.x()[s * w + j];
            }
        }
        // the rows are windows of differences for a differenced series, as the data set holds
        double[][] p = new Predictor(in.model(), in.prep()).predictDifferences(rows);
        double[] actual = new double[d.size() * k];
        double[] predicted = new double[d.size() * k];
        for (int s = 0; s < d.size(); s++) {
            for (int j = 0; j < k; j++) {
                // a differenced series: both on the series' own scale
                actual[s * k + j] = d.base() == null ? d.y()[s * k + j]
                        : Difference.invert(d.base()[s * k + j], d.y()[s * k + j]);
                predicted[s * k + j] = d.base() == null ? p[s][j]
                        : Difference.invert(d.base()[s * k + j], (float) p[s][j]);
            }
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            names.add(j < data.labels().size() && !data.labels().get(j).isBlank()
                    ? data.labels().get(j) : k == 1 ? "y" : "y" + (j + 1));
        }
        return new Answers(actual, predicted, names);
    }

    /** Adds the figures of a regression to the page. */
    static void write(Report.Input in, LoadedData train, LoadedData test, Path dir,
            Report.Page page, List<Path> images) {
        LoadedData on = test != null ? test : train;
        String which = test != null ? "test" : "training";
        Answers a = answers(in, on);
        int n = on.dataset().size();
        Path p = dir.resolve("predicted.png");
        Charts.png(FitCharts.predictedVsActual("Predicted against actual, " + which + " data ("
                + n + " samples)", a.actual(), a.predicted(), a.names()), Report.W, Report.H, p);
        images.add(p);
        page.image("Predicted against actual", p, "Each " + which + " sample's answer against "
                + "its label; on the grey line the two agree.");
        Path r = dir.resolve("residuals.png");
        Charts.png(FitCharts.residuals("Residuals, " + which + " data", a.actual(),
                a.predicted(), a.names()), Report.W, Report.H, r);
        images.add(r);
        page.image("Residuals", r, "Label minus answer for each " + which + " sample, against "
                + "the answer: a fit without pattern scatters evenly about 0.");
        DataSource src = in.model().spec().data().train();
        if (src instanceof DataSource.Windows) {
            series(in, dir, page, images);
        }
    }

    /**
     * {@code fit.png} and {@code test.png} for one input and one output: the model's curve over
     * the training points, and its answers at the test inputs.
     */
    static void curve(Report.Input in, LoadedData train, LoadedData test, Path dir,
            Report.Page page, List<Path> images) {
        if (Difference.of(in.model().spec()) != null) {
            levelCurves(in, train, test, dir, page, images);
            return;
        }
        Predictor pr = new Predictor(in.model(), in.prep());
        Dataset d = train.dataset();
        double[] tx = Report.column(d.x(), d.size(), 1, 0);
        double[] ty = Report.column(d.y(), d.size(), 1, 0);
        double lo = FitCharts.min(tx);
        double hi = FitCharts.max(tx);
        if (test != null) {
            double[] sx = Report.column(test.dataset().x(), test.dataset().size(), 1, 0);
            lo = Math.min(lo, FitCharts.min(sx));
            hi = Math.max(hi, FitCharts.max(sx));
        }
        int n = 400;
        double[] gx = new double[n];
        double[][] rows = new double[n][1];
        for (int i = 0; i < n; i++) {
            gx[i] = lo + (hi - lo) * i / (n - 1);
            rows[i][0] = gx[i];
        }
        double[] gy = first(pr.predictDifferences(rows));
        String xName = Report.name(train.features(), 0, "x");
        String yName = Report.name(train.labels(), 0, "y");
        Path p = dir.resolve("fit.png");
        Charts.png(Charts.xy("Fitted curve over the training data", xName, yName, List.of(
                new Charts.Line("training samples", tx, ty, new Color(0x7f7f7f), false, true, 1f),
                new Charts.Line("model", gx, gy, Charts.STRONG[1], true, false, 2.5f))),
                Report.W, Report.H, p);
        images.add(p);
        page.image("Fitted curve", p, "The model's output over the range of the data, drawn "
                + "over the " + d.size() + " training samples (validation part included).");
        if (test != null) {
            Dataset t = test.dataset();
            double[] sx = Report.column(t.x(), t.size(), 1, 0);
            double[] sy = Report.column(t.y(), t.size(), 1, 0);
            double[][] srows = new double[t.size()][1];
            for (int i = 0; i < sx.length; i++) {
                srows[i][0] = sx[i];
            }
            double[] sp = first(pr.predictDifferences(srows));
            int[] order = order(sx);
            Path tp = dir.resolve("test.png");
            Charts.png(Charts.xy("Model on the test data", xName, yName, List.of(
                    new Charts.Line("test samples", pick(sx, order), pick(sy, order),
                            Charts.STRONG[0], false, true, 1f),
                    new Charts.Line("model", pick(sx, order), pick(sp, order), Charts.STRONG[1],
                            true, false, 2.5f))), Report.W, Report.H, tp);
            images.add(tp);
            page.image("Test curve", tp, "The model's answers at the " + t.size()
                    + " test inputs, against the test labels.");
        }
    }

    /**
     * {@code fit.png} and {@code test.png} of a differenced series, in the series' own units:
     * a forecast depends on the level it starts from as well as on the difference the network
     * reads, so there is no curve over a grid of inputs; each sample is drawn at that level.
     */
    private static void levelCurves(Report.Input in, LoadedData train, LoadedData test, Path dir,
            Report.Page page, List<Path> images) {
        int lag = Difference.of(in.model().spec()).difference();
        String yName = Report.name(train.labels(), 0, "y");
        String xName = yName + " " + lag + (lag == 1 ? " step" : " steps") + " before";
        for (LoadedData data : test == null ? List.of(train) : List.of(train, test)) {
            boolean isTrain = data == train;
            Path p = dir.resolve(isTrain ? "fit.png" : "test.png");
            Charts.png(Charts.xy(isTrain ? "Forecasts over the training data"
                    : "Model on the test data", xName, yName, levelLines(in, data,
                            isTrain ? "training samples" : "test samples")),
                    Report.W, Report.H, p);
            images.add(p);
            page.image(isTrain ? "Fitted curve" : "Test curve", p, "Each " + (isTrain
                    ? "training" : "test") + " window's target and the model's forecast of it, "
                    + "in the series' own units (the forecast difference added back), against "
                    + "the value " + lag + (lag == 1 ? " step" : " steps") + " before the "
                    + "target it is added to.");
        }
    }

    /**
     * The samples and the model's forecasts of a differenced series in levels: at x, the value
     * each forecast is added to ({@link Difference#invert}'s base), the target and the forecast
     * as {@link #answers} gives them.
     */
    static List<Charts.Line> levelLines(Report.Input in, LoadedData data, String samples) {
        Answers a = answers(in, data);
        Dataset d = data.dataset();
        int k = d.outputSize();
        double[] x = new double[d.size()];
        for (int s = 0; s < x.length; s++) {
            x[s] = d.base()[s * k];
        }
        int[] order = order(x);
        double[] sx = pick(x, order);
        return List.of(new Charts.Line(samples, sx, pick(first(a.actual(), k), order),
                        new Color(0x7f7f7f), false, true, 1f),
                new Charts.Line("model", sx, pick(first(a.predicted(), k), order),
                        Charts.STRONG[1], false, true, 1f));
    }

    private static double[] first(double[] values, int k) {
        double[] c = new double[values.length / k];
        for (int i = 0; i < c.length; i++) {
            c[i] = values[i * k];
        }
        return c;
    }

    private static double[] first(double[][] rows) {
        double[] c = new double[rows.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = rows[i][0];
        }
        return c;
    }

    private static int[] order(double[] v) {
        return java.util.stream.IntStream.range(0, v.length).boxed()
                .sorted((a, b) -> Double.compare(v[a], v[b])).mapToInt(Integer::intValue)
                .toArray();
    }

    private static double[] pick(double[] v, int[] idx) {
        double[] r = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            r[i] = v[idx[i]];
        }
        return r;
    }

    /** The series chart of a model trained on windows. */
    private static void series(Report.Input in, Path dir, Report.Page page,
            List<Path> images) {
        ModelSpec.DataSpec data = in.model().spec().data();
        Cut train = cut(in, (DataSource.Windows) data.train());
        Cut test = data.test() instanceof DataSource.Windows tw ? cut(in, tw)
                : null;
        ModelSpec.Window w = ((DataSource.Windows) data.train()).window();
        String target = w.targets().get(0);
        String time = w.time() != null ? w.time() : "row";
        double[] testTime = test == null ? new double[0] : test.time;
        double[] testForecast = test == null ? new double[0] : test.forecast;
        double boundary = test == null || test.time.length == 0 ? Double.NaN : FitCharts.min(
                test.time);
        Path p = dir.resolve("series.png");
        Charts.png(FitCharts.series("The series and the forecasts of " + target, time, target,
                train.dates, train.seriesTime, train.series, train.time, train.forecast, testTime,
                testForecast, boundary), Report.W, Report.H, p);
        images.add(p);
        page.image("Series and forecasts", p, "The actual " + target + " over " + time
                + ", and the model's forecast for each window's target"
                + (test != null ? ", on the training windows and, right of the dashed line, "
                        + "the test windows." : "."));
    }

    /** A windows source cut as training did: the series, and each window's time and forecast. */
    private record Cut(boolean dates, double[] seriesTime, double[] series, double[] time,
            double[] forecast) {
    }

    private static Cut cut(Report.Input in, DataSource.Windows src) {
        Path p = Path.of(src.path());
        Path file = p.isAbsolute() ? p : in.baseDir().resolve(p).normalize();
        CsvTable t = DataLoader.prepareSeries(CsvReader.readAny(file), src);
        ModelSpec.Window w = src.window();
        // Raw values, as the file holds them: the predictor applies the model's scale.
        WindowReader.Windows win = WindowReader.read(t, w, 1);
        double[] rowTime = w.time() != null ? t.column(t.indexOf(w.time())) : null;
        double[] series = t.column(t.indexOf(w.targets().get(0)));
        double[] seriesTime = new double[series.length];
        for (int r = 0; r < series.length; r++) {
            seriesTime[r] = rowTime != null ? rowTime[r] : r;
        }
        double[][] rows = new double[win.n()][win.width()];
        for (int s = 0; s < win.n(); s++) {
            for (int j = 0; j < win.width(); j++) {
                rows[s][j] = win.x()[s * win.width() + j];
            }
        }
        double[][] pred = new Predictor(in.model(), in.prep()).predictDifferences(rows);
        double[] time = new double[win.n()];
        double[] forecast = new double[win.n()];
        for (int s = 0; s < win.n(); s++) {
            time[s] = seriesTime[win.targetRows()[s]];
            forecast[s] = win.base() == null ? pred[s][0]
                    : Difference.invert((float) win.base()[s * win.targets()],
                            (float) pred[s][0]);
        }
        return new Cut(w.time() != null && t.isTime(t.indexOf(w.time())), seriesTime, series,
                time, forecast);
    }
}
