package dev.nnc.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.model.IsoTime;
import dev.nnc.runtime.model.ModelSpec;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each chart of the report: drawn to a PNG and read back (twice the layout size, not blank,
 * nothing drawn at the image's edge where a label would be clipped), and its axes as the
 * JFreeChart model holds them after drawing (labels, ranges, tick sizes, tick texts).
 */
class ChartsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static ModelSpec spec(ModelSpec.Loss loss) {
        return new ModelSpec(loss, new ModelSpec.OptimizerSpec("sgd", Map.of("lr", 0.01)), 1,
                new ModelSpec.TrainSpec(100, 10, true, null, 0.1, 10), new ModelSpec.DataSpec(null,
                null, ModelSpec.Normalization.NONE, ModelSpec.Normalization.NONE));
    }

    /** A history of {@code epochs} epochs; full-set columns taken every {@code every}. */
    private static History history(int epochs, int every, String q, double[] qv, double lr) {
        List<double[]> rows = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            boolean taken = e % every == 0 || e == epochs;
            double loss = Math.pow(10, -3.0 * e / epochs);
            rows.add(new double[] {e, loss * 1.1, taken ? loss : Double.NaN,
                    taken ? qv[e - 1] : Double.NaN, lr, 0.01});
        }
        return new History(List.of("epoch", "train_loss", "loss", q, "lr", "seconds"), rows);
    }

    /**
     * Draws {@code c} through {@link Charts#png} and reads it back: 2× the layout size, many
     * colors, and a white frame (no text or line reaches the image's edge, so none is clipped).
     */
    private BufferedImage drawn(JFreeChart c, int w, int h) throws IOException {
        Path p = dir.resolve("chart.png");
        Charts.png(c, w, h, p);
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img);
        assertEquals(2 * w, img.getWidth());
        assertEquals(2 * h, img.getHeight());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colors.add(img.getRGB(x, y));
            }
        }
        assertTrue(colors.size() > 20, "a blank image: " + colors.size() + " colors");
        int edge = 6;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if (x < edge || y < edge || x >= img.getWidth() - edge
                        || y >= img.getHeight() - edge) {
                    assertEquals(0xffffff, img.getRGB(x, y) & 0xffffff,
                            "something drawn at the edge, at " + x + "," + y);
                }
            }
        }
        return img;
    }

    /** The tick labels of a value axis as it lays them out on a chart of the report's size. */
    private static List<String> tickLabels(ValueAxis a, RectangleEdge edge) {
        Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            @SuppressWarnings("unchecked")
            List<Tick> ticks = a.refreshTicks(g, new AxisState(),
                    new Rectangle2D.Double(60, 40, 700, 340), edge);
            return ticks.stream().map(Tick::getText).filter(t -> !t.isEmpty()).toList();
        } finally {
            g.dispose();
        }
    }

    private static List<String> subtitles(JFreeChart c) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < c.getSubtitleCount(); i++) {
            Title t = c.getSubtitle(i);
            if (t instanceof TextTitle tt) {
                l.add(tt.getText());
            }
        }
        return l;
    }

    private static double[] ramp(int n, double from, double to) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + (to - from) * i / Math.max(1, n - 1);
        }
        return v;
    }

    @Test
    void lossFallingThousandfoldIsOnALogAxisWithPlainLabels() throws IOException {
        History h = history(100, 10, "r2", ramp(100, 0.2, 0.99), 0.01);
        JFreeChart c = TrainingCurves.loss(h, spec(ModelSpec.Loss.MSE));
        drawn(c, Report.W, Report.H);
        XYPlot plot = c.getXYPlot();
        assertEquals("epoch", plot.getDomainAxis().getLabel());
        assertEquals("loss", plot.getRangeAxis().getLabel());
        Axes.PlainLogAxis log = assertInstanceOf(Axes.PlainLogAxis.class, plot.getRangeAxis());
        List<String> labels = tickLabels(log, RectangleEdge.LEFT);
        // 1-2-5 ticks over the decades from 0.001 to 1.1, as plain numbers
        assertTrue(labels.containsAll(List.of("0.001", "0.01", "0.1", "1")), labels.toString());
        for (String l : labels) {
            assertTrue(l.matches("0\\.0*[125]|[125]"), "tick label '" + l + "'");
        }
        // the full-set loss was measured at 10 of 100 epochs: said in the subtitle
        assertEquals(List.of("loss over the whole set measured at 10 of 100 epochs (logged, "
                + "last, stop condition); dashed lines join the measured points"), subtitles(c));
    }

    @Test
    void aShortRunHasWholeEpochTicks() throws IOException {
        History h = history(3, 1, "accuracy", new double[] {0.5, 0.7, 0.9}, 0.1);
        JFreeChart c = TrainingCurves.loss(h, spec(ModelSpec.Loss.CROSS_ENTROPY));
        drawn(c, Report.W, Report.H);
        NumberAxis x = (NumberAxis) c.getXYPlot().getDomainAxis();
        assertEquals(0.5, x.getLowerBound(), 1e-12);
        assertEquals(3.5, x.getUpperBound(), 1e-12);
        assertEquals(List.of("1", "2", "3"), tickLabels(x, RectangleEdge.BOTTOM));
        // measured every epoch: no note
        assertEquals(List.of(), subtitles(c));
    }

    @Test
    void accuracyIsShownOnZeroToOneNotZoomedIntoItsNoise() throws IOException {
        double[] acc = new double[200];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = 0.4938 + 0.0021 * ((i * 7) % 5) / 4;
        }
        History h = history(200, 50, "accuracy", acc, 0.1);
        JFreeChart c = TrainingCurves.metric(h, spec(ModelSpec.Loss.CROSS_ENTROPY));
        drawn(c, Report.W, Report.H);
        ValueAxis y = c.getXYPlot().getRangeAxis();
        assertEquals("accuracy", y.getLabel());
        assertEquals(0, y.getLowerBound());
        assertTrue(y.getUpperBound() >= 1 && y.getUpperBound() < 1.05, "" + y.getUpperBound());
        assertTrue(subtitles(c).get(0).startsWith("accuracy over the whole set measured at 4 of "
                + "200 epochs"), subtitles(c).toString());
        List<String> ticks = tickLabels(y, RectangleEdge.LEFT);
        assertTrue(ticks.contains("0") && ticks.contains("1"), ticks.toString());
    }

    @Test
    void r2RunsUpToOneAndNoLowerThanMinusOne() throws IOException {
        History h = history(50, 1, "r2", ramp(50, -40, 0.95), 0.1);
        JFreeChart c = TrainingCurves.metric(h, spec(ModelSpec.Loss.MSE));
        drawn(c, Report.W, Report.H);
        ValueAxis y = c.getXYPlot().getRangeAxis();
        assertEquals("R²", y.getLabel());
        assertTrue(y.getUpperBound() > 1 && y.getUpperBound() < 1.1, "" + y.getUpperBound());
        assertTrue(y.getLowerBound() < -1 && y.getLowerBound() > -1.1, "" + y.getLowerBound());
    }

    @Test
    void aConstantLearningRateIsOneFlatLineWithPlainTicks() throws IOException {
        // 0.01 as the trainer records it, a float widened to double
        History h = history(40, 1, "r2", ramp(40, 0, 0.9), (double) 0.01f);
        JFreeChart c = TrainingCurves.rate(h, spec(ModelSpec.Loss.MSE));
        drawn(c, Report.W, Report.LR_H);
        ValueAxis y = c.getXYPlot().getRangeAxis();
        assertEquals("learning rate", y.getLabel());
        assertEquals(0, y.getLowerBound());
        assertEquals(0.0115, y.getUpperBound(), 1e-6);
        List<String> ticks = tickLabels(y, RectangleEdge.LEFT);
        assertTrue(ticks.size() >= 3, ticks.toString());
        assertEquals(ticks.size(), new HashSet<>(ticks).size(), "repeated labels " + ticks);
        for (String t : ticks) {
            assertTrue(t.matches("0(\\.\\d{1,4})?"), "tick label '" + t + "'");
        }
        assertEquals(List.of("constant 0.01"), subtitles(c));
    }

    @Test
    void aDecayingLearningRateGetsALogAxisWithPlainLabels() throws IOException {
        History h = history(60, 1, "r2", ramp(60, 0, 0.9), 0.1);
        List<double[]> rows = new ArrayList<>();
        for (double[] r : h.rows()) {
            double[] c = r.clone();
            c[4] = 0.1 * Math.pow(0.9, r[0] - 1);
            rows.add(c);
        }
        JFreeChart c = TrainingCurves.rate(new History(h.columns(), rows),
                spec(ModelSpec.Loss.MSE));
        drawn(c, Report.W, Report.LR_H);
        Axes.PlainLogAxis y = assertInstanceOf(Axes.PlainLogAxis.class,
                c.getXYPlot().getRangeAxis());
        List<String> ticks = tickLabels(y, RectangleEdge.LEFT);
        assertTrue(ticks.containsAll(List.of("0.001", "0.01", "0.1")), ticks.toString());
        assertTrue(ticks.stream().noneMatch(t -> t.contains("^") || t.contains("E")),
                ticks.toString());
        assertEquals(List.of(), subtitles(c));
    }

    @Test
    void predictedAgainstActualOfTwoOutputsSharesOneRangeOnBothAxes() throws IOException {
        double[] actual = {1, 10, 2, 20, 3, 30, 4, 40};
        double[] predicted = {1.5, 9, 2.2, 22, 2.5, 28, 4.5, 41};
        JFreeChart c = FitCharts.predictedVsActual("Predicted against actual", actual,
                predicted, List.of("low", "high"));
        drawn(c, Report.W, Report.H);
        XYPlot plot = c.getXYPlot();
        assertEquals("actual", plot.getDomainAxis().getLabel());
        assertEquals("predicted", plot.getRangeAxis().getLabel());
        assertEquals(plot.getDomainAxis().getRange(), plot.getRangeAxis().getRange());
        assertTrue(plot.getDomainAxis().getLowerBound() < 1
                && plot.getDomainAxis().getUpperBound() > 41);
        assertEquals(List.of("predicted = actual", "low", "high"), seriesNames(plot));
        // each output's points: 4 samples
        assertEquals(4, plot.getDataset().getItemCount(1));

        // a sequence of 8 outputs: one series of all 16 values, not eight legend entries
        double[] a8 = ramp(16, 0, 15);
        double[] p8 = ramp(16, 1, 16);
        List<String> eight = List.of("y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8");
        XYPlot many = FitCharts.predictedVsActual("p", a8, p8, eight).getXYPlot();
        assertEquals(List.of("predicted = actual", "all 8 outputs"), seriesNames(many));
        assertEquals(16, many.getDataset().getItemCount(1));
        assertEquals(List.of("all 8 outputs"), seriesNames(FitCharts.residuals("r", a8, p8,
                eight).getXYPlot()));
    }

    @Test
    void residualsAreSymmetricAboutAZeroLine() throws IOException {
        double[] actual = {10, 20, 30, 40};
        double[] predicted = {12, 19, 30.5, 37};
        JFreeChart c = FitCharts.residuals("Residuals", actual, predicted, List.of("price"));
        drawn(c, Report.W, Report.H);
        XYPlot plot = c.getXYPlot();
        assertEquals("predicted price", plot.getDomainAxis().getLabel());
        assertEquals("actual − predicted", plot.getRangeAxis().getLabel());
        // the largest residual is 3 (40 - 37): ±3.3
        assertEquals(-3.3, plot.getRangeAxis().getLowerBound(), 1e-9);
        assertEquals(3.3, plot.getRangeAxis().getUpperBound(), 1e-9);
        assertEquals(0.0, ((ValueMarker) plot.getRangeMarkers(
                org.jfree.chart.ui.Layer.FOREGROUND).iterator().next()).getValue());
        // sample 2: actual 20, predicted 19
        assertEquals(19.0, plot.getDataset().getXValue(0, 1), 1e-12);
        assertEquals(1.0, plot.getDataset().getYValue(0, 1), 1e-12);
    }

    @Test
    void aSeriesShowsItsForecastsAndWhereTheTestPartBegins() throws IOException {
        double[] time = ramp(40, 1970, 2009);
        double[] actual = new double[40];
        for (int i = 0; i < 40; i++) {
            actual[i] = 100 + 20 * Math.sin(i / 3.0) + i;
        }
        double[] trainTime = ramp(27, 1973, 1999);
        double[] trainF = new double[27];
        for (int i = 0; i < 27; i++) {
            trainF[i] = actual[i + 3] + 2;
        }
        double[] testTime = ramp(10, 2000, 2009);
        double[] testF = new double[10];
        for (int i = 0; i < 10; i++) {
            testF[i] = actual[i + 30] - 3;
        }
        JFreeChart c = FitCharts.series("The series", "year", "level", false, time, actual, trainTime,
                trainF, testTime, testF, 2000);
        drawn(c, Report.W, Report.H);
        XYPlot plot = c.getXYPlot();
        assertEquals("year", plot.getDomainAxis().getLabel());
        assertEquals("level", plot.getRangeAxis().getLabel());
        // the time axis spans the series, not a range padded out to include 0 or beyond
        assertTrue(plot.getDomainAxis().getLowerBound() > 1969
                && plot.getDomainAxis().getUpperBound() < 2010, plot.getDomainAxis().getRange()
                        .toString());
        ValueMarker m = (ValueMarker) plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)
                .iterator().next();
        assertEquals(2000, m.getValue());
        assertEquals("test →", m.getLabel());
        assertEquals(List.of("actual", "forecast, training windows", "forecast, test windows"),
                seriesNames(plot));
        List<String> years = tickLabels(plot.getDomainAxis(), RectangleEdge.BOTTOM);
        assertTrue(years.stream().allMatch(t -> t.matches("\\d{4}")), years.toString());
    }

    @Test
    void aSeriesOverIsoDatesShowsDatesOnItsTimeAxis() throws IOException {
        // weekly values from 1990-01-06 to 1999-12-25, the test part from 1998-01-03
        double start = IsoTime.parse("1990-01-06");
        int n = 521;
        double[] time = new double[n];
        double[] actual = new double[n];
        for (int i = 0; i < n; i++) {
            time[i] = start + i * 7 * 86400.0;
            actual[i] = 350 + i * 0.03 + 3 * Math.sin(i * 2 * Math.PI / 52);
        }
        double boundary = IsoTime.parse("1998-01-03");
        int cut = (int) ((boundary - start) / (7 * 86400.0));
        double[] trainTime = java.util.Arrays.copyOfRange(time, 8, cut);
        double[] trainF = java.util.Arrays.copyOfRange(actual, 8, cut);
        double[] testTime = java.util.Arrays.copyOfRange(time, cut, n);
        double[] testF = java.util.Arrays.copyOfRange(actual, cut, n);
        JFreeChart c = FitCharts.series("The series", "date", "co2", true, time, actual,
                trainTime, trainF, testTime, testF, boundary);
        drawn(c, Report.W, Report.H);
        XYPlot plot = c.getXYPlot();
        List<String> labels = tickLabels(plot.getDomainAxis(), RectangleEdge.BOTTOM);
        // years as the file's dates write them, not seconds since 1970 (631 584 000, ...)
        assertTrue(labels.size() >= 4 && labels.stream().allMatch(t -> t.matches("\\d{4}")),
                labels.toString());
        assertTrue(labels.contains("1995"), labels.toString());
        assertTrue(labels.stream().allMatch(t -> t.compareTo("1990") >= 0
                && t.compareTo("2000") <= 0), labels.toString());
        ValueMarker m = (ValueMarker) plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)
                .iterator().next();
        assertEquals("1998-01-03", IsoTime.format(m.getValue() / 1000));

        // two months of daily values: ticks are days, yyyy-mm-dd
        double[] days = new double[60];
        double[] v = new double[60];
        for (int i = 0; i < 60; i++) {
            days[i] = IsoTime.parse("2024-02-01") + i * 86400.0;
            v[i] = i % 7;
        }
        JFreeChart d = FitCharts.series("Daily", "day", "v", true, days, v, days, v,
                new double[0], new double[0], Double.NaN);
        drawn(d, Report.W, Report.H);
        List<String> dayLabels = tickLabels(d.getXYPlot().getDomainAxis(), RectangleEdge.BOTTOM);
        assertTrue(dayLabels.size() >= 3 && dayLabels.stream().allMatch(
                t -> t.matches("2024-0[234]-\\d{2}")), dayLabels.toString());
    }

    @Test
    void confusionMatrixAndRegionsNameTheClassesAsTheDataDoes() throws IOException {
        assertEquals(List.of("setosa", "versicolor", "class 3", "class -1.5"),
                Report.shown(List.of("setosa", "versicolor", "3", "-1.5")));
        List<String> names = Report.shown(List.of("setosa", "versicolor", "virginica"));
        JFreeChart c = Charts.confusion("Confusion", new long[][] {{5, 0, 0}, {0, 4, 1},
            {0, 2, 3}}, names);
        drawn(c, 540, 460);
        SymbolAxis x = (SymbolAxis) c.getXYPlot().getDomainAxis();
        assertEquals(List.of("setosa", "versicolor", "virginica"), List.of(x.getSymbols()));
        assertEquals("predicted class", x.getLabel());
        assertEquals("true class", c.getXYPlot().getRangeAxis().getLabel());

        double[] g = ramp(4, 0, 3);
        int[] cls = new int[16];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = i % 4 < 2 ? 0 : 1;
        }
        JFreeChart r = Charts.regions("Regions", "petal length", "petal width", g, g, cls,
                new double[] {0.2, 2.8}, new double[] {1, 2}, new int[] {0, 1},
                Report.shown(List.of("setosa", "virginica")));
        drawn(r, Report.W, 600);
        assertEquals(List.of("setosa", "virginica"), seriesNames(r.getXYPlot(), 1));
    }

    @Test
    void axesHelpers() {
        assertEquals("0.001", Axes.plain(0.0010000000474974513));
        assertEquals("0.01", Axes.plain((double) 0.01f));
        assertEquals("1500", Axes.plain(1500));
        assertEquals("2e-07", Axes.plain(2e-7));
        assertEquals("-0.25", Axes.plain(-0.25));
        // a span at least a fifth of the values' size, centred, within its bounds
        Axes.Range r = Axes.span(0.4938, 0.4959, 0, Double.POSITIVE_INFINITY);
        assertTrue(r.upper() - r.lower() >= 0.2 * 0.4959, r.toString());
        assertTrue(r.lower() < 0.4938 && r.upper() > 0.4959, r.toString());
        Axes.Range z = Axes.span(0, 0, 0, Double.POSITIVE_INFINITY);
        assertEquals(0, z.lower());
        assertTrue(z.upper() >= 1, z.toString());
        assertEquals(new Axes.Range(9.5, 10.5), Axes.along(10, 10));
        // tick steps of 1, 2 or 5 x 10^k, at most ten ticks
        assertEquals(0.2, Axes.step(1.02), 1e-15);
        assertEquals(0.002, Axes.step(0.0115), 1e-15);
        assertEquals(50, Axes.step(320), 1e-12);
        assertEquals(1, Axes.step(10), 1e-12);
    }

    private static List<String> seriesNames(XYPlot plot) {
        return seriesNames(plot, 0);
    }

    private static List<String> seriesNames(XYPlot plot, int dataset) {
        var d = plot.getDataset(dataset);
        return java.util.stream.IntStream.range(0, d.getSeriesCount())
                .mapToObj(i -> d.getSeriesKey(i).toString()).collect(Collectors.toList());
    }
}
