package dev.nnc.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;

/**
 * The charts of how a regression answers, whatever its inputs: predicted against actual values,
 * the residuals, and for a time series the actual values and the forecasts over time.
 *
 * <p>Values come sample-major, {@code k} per sample (a model with several outputs): each output
 * is a series of its own in the scatter charts, up to {@link #MAX_SERIES} outputs; more (a
 * sequence output, say) are one series of all values.
 */
final class FitCharts {
    private static final Color GUIDE = new Color(0x888888);
    /** The most outputs drawn as series of their own colors. */
    static final int MAX_SERIES = 6;

    private FitCharts() {
    }

    /**
     * Predicted (up) against actual (across), one dot per value, over the line predicted =
     * actual; both axes on the same range, so that the line is the diagonal.
     *
     * @param names the output names, one per output
     */
    static JFreeChart predictedVsActual(String title, double[] actual, double[] predicted,
            List<String> names) {
        int k = names.size();
        double lo = Math.min(min(actual), min(predicted));
        double hi = Math.max(max(actual), max(predicted));
        Axes.Range r = Axes.along(lo, hi);
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("predicted = actual", new double[] {r.lower(), r.upper()},
                new double[] {r.lower(), r.upper()}, GUIDE, true, false, 1f));
        if (k > MAX_SERIES) {
            lines.add(new Charts.Line("all " + k + " outputs", actual, predicted,
                    Charts.STRONG[0], false, true, 1f));
        }
        for (int j = 0; j < k && k <= MAX_SERIES; j++) {
            lines.add(new Charts.Line(k == 1 ? "samples" : names.get(j), column(actual, k, j),
                    column(predicted, k, j), Charts.STRONG[j], false, true, 1f));
        }
        String unit = k == 1 ? " " + names.get(0) : "";
        return Charts.lines(title, Axes.linear("actual" + unit, r),
                Axes.linear("predicted" + unit, r), lines);
    }

    /**
     * The residuals actual − predicted (up) against the predicted values (across), around a line
     * at 0; the residual axis symmetric about 0.
     */
    static JFreeChart residuals(String title, double[] actual, double[] predicted,
            List<String> names) {
        int k = names.size();
        double[] res = new double[actual.length];
        double m = 0;
        for (int i = 0; i < res.length; i++) {
            res[i] = actual[i] - predicted[i];
            if (Double.isFinite(res[i])) {
                m = Math.max(m, Math.abs(res[i]));
            }
        }
        // NOTE: a perfect fit still gets a visible span: 1 % of the values' size
        double size = Math.max(Math.abs(min(actual)), Math.abs(max(actual)));
        m = Math.max(m * 1.1, size > 0 ? size * 0.01 : 1);
        List<Charts.Line> lines = new ArrayList<>();
        if (k > MAX_SERIES) {
            lines.add(new Charts.Line("all " + k + " outputs", predicted, res, Charts.STRONG[0],
                    false, true, 1f));
        }
        for (int j = 0; j < k && k <= MAX_SERIES; j++) {
            lines.add(new Charts.Line(k == 1 ? "samples" : names.get(j),
                    column(predicted, k, j), column(res, k, j), Charts.STRONG[j], false, true,
                    1f));
        }
        Axes.Range x = Axes.along(min(predicted), max(predicted));
        String unit = k == 1 ? " " + names.get(0) : "";
        JFreeChart c = Charts.lines(title, Axes.linear("predicted" + unit, x),
                Axes.linear("actual − predicted", new Axes.Range(-m, m)), lines);
        XYPlot plot = c.getXYPlot();
        ValueMarker zero = new ValueMarker(0, GUIDE, new BasicStroke(1f));
        plot.addRangeMarker(zero);
        return c;
    }

    /**
     * A time series and its one-step forecasts over time: the actual values as a line, the
     * forecasts for the training windows and for the test windows as dots, and a vertical line
     * where the test part begins.
     *
     * @param dates whether the times are ISO dates ({@link dev.nnc.runtime.model.IsoTime}
     *     seconds), shown as dates on the time axis
     * @param boundary the time of the first test target, or NaN without test data
     */
    static JFreeChart series(String title, String timeLabel, String valueLabel, boolean dates,
            double[] time, double[] actual, double[] trainTime, double[] trainForecast,
            double[] testTime, double[] testForecast, double boundary) {
        double[] tb = {Math.min(min(time), Math.min(min(trainTime), min(testTime))),
            Math.max(max(time), Math.max(max(trainTime), max(testTime)))};
        Axes.Range span = Axes.along(tb[0], tb[1]);
        ValueAxis x = dates ? Axes.dates(timeLabel, span) : Axes.linear(timeLabel, span);
        if (dates) {
            // NOTE: JFreeChart counts time in milliseconds.
            time = millis(time);
            trainTime = millis(trainTime);
            testTime = millis(testTime);
            boundary *= 1000;
        }
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("actual", time, actual, new Color(0x555555), true, false,
                1.2f));
        lines.add(new Charts.Line("forecast, training windows", trainTime, trainForecast,
                Charts.STRONG[0], true, false, 1.6f));
        if (testTime.length > 0) {
            lines.add(new Charts.Line("forecast, test windows", testTime, testForecast,
                    Charts.STRONG[1], true, false, 1.6f));
        }
        double[] b = Charts.yBounds(lines);
        JFreeChart c = Charts.lines(title, x, Axes.linear(valueLabel, Axes.along(b[0], b[1])),
                lines);
        if (Double.isFinite(boundary)) {
            ValueMarker m = new ValueMarker(boundary, new Color(0x333333), new BasicStroke(1.2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f},
                    0f));
            m.setLabel("test →");
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            c.getXYPlot().addDomainMarker(m);
        }
        return c;
    }

    private static double[] millis(double[] seconds) {
        double[] m = new double[seconds.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = seconds[i] * 1000;
        }
        return m;
    }

    /** Output {@code j} of values stored {@code k} per sample. */
    static double[] column(double[] v, int k, int j) {
        double[] c = new double[v.length / k];
        for (int i = 0; i < c.length; i++) {
            c[i] = v[i * k + j];
        }
        return c;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            if (Double.isFinite(x)) {
                m = Math.min(m, x);
            }
        }
        return m;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            if (Double.isFinite(x)) {
                m = Math.max(m, x);
            }
        }
        return m;
    }
}
