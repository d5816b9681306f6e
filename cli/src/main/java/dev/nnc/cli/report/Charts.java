package dev.nnc.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of a report, drawn with JFreeChart into PNG files without a display (the caller
 * sets {@code java.awt.headless}). Every chart has a white background, a title, labelled axes and
 * a legend when it shows more than one series.
 */
final class Charts {
    /** Colors of series and classes: strong for lines and points. */
    static final Color[] STRONG = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
        new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)};
    /** The same colors, pale, for decision regions. */
    static final Color[] PALE = {new Color(0xc6dbef), new Color(0xf6c4c4), new Color(0xc7e9c0),
        new Color(0xfdd9b5), new Color(0xdadaeb), new Color(0xe0cfc9), new Color(0xf7d2e9),
        new Color(0xc2ecf1), new Color(0xececb4), new Color(0xe0e0e0)};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    // NOTE: the page shows a chart at 60-100 % of its layout size (two side by side on a wide
    // window): text of 14-15 units stays readable at 60 %.
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font AXIS_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

    private Charts() {
    }

    /**
     * A series of a line chart: name, x and y (NaN y values are skipped), and how to draw it;
     * {@code dashed} for a line that joins sparse measurements.
     */
    record Line(String name, double[] x, double[] y, Color color, boolean lines, boolean dots,
            float width, boolean dashed) {
        /** A solid line. */
        Line(String name, double[] x, double[] y, Color color, boolean lines, boolean dots,
                float width) {
            this(name, x, y, color, lines, dots, width, false);
        }
    }

    /**
     * A line chart of {@code lines} on the axes given (see {@link Axes}); NaN values are left
     * out, so a measure taken at some epochs only is a line through the epochs it was taken at.
     */
    static JFreeChart lines(String title, ValueAxis x, ValueAxis y, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        int i = 0;
        for (Line l : lines) {
            XYSeries s = new XYSeries(l.name(), false, true);
            for (int k = 0; k < l.x().length; k++) {
                double v = l.y()[k];
                if (Double.isFinite(v) && Double.isFinite(l.x()[k])) {
                    s.add(l.x()[k], v, false);
                }
            }
            data.addSeries(s);
            // NOTE: a measure taken every epoch of a long run is a curve; dots only where they
            // are few enough to tell apart.
            boolean sparse = s.getItemCount() <= 100;
            r.setSeriesPaint(i, l.color());
            r.setSeriesLinesVisible(i, l.lines());
            r.setSeriesShapesVisible(i, l.dots() && (sparse || !l.lines()));
            float w = l.lines() && !sparse ? Math.min(l.width(), 1.2f) : l.width();
            r.setSeriesStroke(i, l.dashed() ? new BasicStroke(w, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(w));
            double d = l.lines() ? 5 : 4;
            r.setSeriesShape(i, new Ellipse2D.Double(-d / 2, -d / 2, d, d));
            i++;
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        return finish(title, plot, lines.size() > 1);
    }

    /**
     * A chart of data in its own units: both axes linear over the values' range (see
     * {@link Axes#along}), with plain-number labels.
     */
    static JFreeChart xy(String title, String xLabel, String yLabel, List<Line> lines) {
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double v : l.x()) {
                if (Double.isFinite(v)) {
                    xmin = Math.min(xmin, v);
                    xmax = Math.max(xmax, v);
                }
            }
        }
        double[] y = yBounds(lines);
        return lines(title, Axes.linear(xLabel, Axes.along(xmin, xmax)),
                Axes.linear(yLabel, Axes.along(y[0], y[1])), lines);
    }

    /** The smallest and largest finite y of {@code lines}: {@code {min, max}}. */
    static double[] yBounds(List<Line> lines) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (double v : l.y()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new double[] {min, max};
    }

    /**
     * Decision regions: the class the model gives each cell of a grid, pale, under the data
     * points in their class's strong color.
     *
     * @param gx the grid's x centers
     * @param gy the grid's y centers
     * @param cls the predicted class index of grid cell (i, j) at {@code cls[j * gx.length + i]}
     * @param px the points' x
     * @param py the points' y
     * @param pc the points' class index
     * @param labels the class names, by index, as the legend shows them
     */
    static JFreeChart regions(String title, String xLabel, String yLabel, double[] gx,
            double[] gy, int[] cls, double[] px, double[] py, int[] pc, List<String> labels) {
        int nx = gx.length;
        int ny = gy.length;
        double[][] xyz = new double[3][nx * ny];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int k = j * nx + i;
                xyz[0][k] = gx[i];
                xyz[1][k] = gy[j];
                xyz[2][k] = cls[k];
            }
        }
        DefaultXYZDataset grid = new DefaultXYZDataset();
        grid.addSeries("regions", xyz);
        XYBlockRenderer blocks = new XYBlockRenderer();
        blocks.setBlockWidth(nx > 1 ? gx[1] - gx[0] : 1);
        blocks.setBlockHeight(ny > 1 ? gy[1] - gy[0] : 1);
        blocks.setPaintScale(new IndexPaintScale(PALE, labels.size()));
        blocks.setDefaultSeriesVisibleInLegend(false);

        XYSeriesCollection points = new XYSeriesCollection();
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        for (int c = 0; c < labels.size(); c++) {
            XYSeries s = new XYSeries(labels.get(c), false, true);
            for (int k = 0; k < px.length; k++) {
                if (pc[k] == c) {
                    s.add(px[k], py[k], false);
                }
            }
            points.addSeries(s);
            dots.setSeriesPaint(c, STRONG[c % STRONG.length]);
            dots.setSeriesShape(c, shape(c));
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(grid, x, y, blocks);
        plot.setDataset(1, points);
        plot.setRenderer(1, dots);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        double hx = nx > 1 ? (gx[1] - gx[0]) / 2 : 0.5;
        double hy = ny > 1 ? (gy[1] - gy[0]) / 2 : 0.5;
        x.setRange(gx[0] - hx, gx[nx - 1] + hx);
        y.setRange(gy[0] - hy, gy[ny - 1] + hy);
        return finish(title, plot, true);
    }

    /** A confusion matrix: true classes down, predicted across, counts in the cells. */
    static JFreeChart confusion(String title, long[][] m, List<String> labels) {
        int k = labels.size();
        double[][] xyz = new double[3][k * k];
        long max = 1;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                xyz[0][i] = p;
                xyz[1][i] = t;
                xyz[2][i] = m[t][p];
                max = Math.max(max, m[t][p]);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", xyz);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new BluePaintScale(max));
        String[] names = labels.toArray(String[]::new);
        SymbolAxis x = new SymbolAxis("predicted class", names);
        SymbolAxis y = new SymbolAxis("true class", names);
        y.setInverted(true);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        Font f = new Font(Font.SANS_SERIF, Font.BOLD, k <= 4 ? 20 : 14);
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                XYTextAnnotation a = new XYTextAnnotation(Long.toString(m[t][p]), p, t);
                a.setFont(f);
                a.setPaint(m[t][p] > max * 0.6 ? Color.WHITE : Color.BLACK);
                a.setTextAnchor(TextAnchor.CENTER);
                plot.addAnnotation(a);
            }
        }
        return finish(title, plot, false);
    }

    private static JFreeChart finish(String title, XYPlot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(new Color(0x999999));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setOrientation(PlotOrientation.VERTICAL);
        for (int i = 0; i < plot.getDomainAxisCount(); i++) {
            plot.getDomainAxis(i).setTickLabelFont(TICKS);
            plot.getDomainAxis(i).setLabelFont(AXIS_LABEL);
        }
        for (int i = 0; i < plot.getRangeAxisCount(); i++) {
            plot.getRangeAxis(i).setTickLabelFont(TICKS);
            plot.getRangeAxis(i).setLabelFont(AXIS_LABEL);
        }
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(TICKS);
        }
        // NOTE: room on the right and at the top, so that the last tick label of an axis is
        // not clipped at the image's edge.
        chart.setPadding(new RectangleInsets(6, 6, 6, 22));
        chart.setTitle(new TextTitle(title, TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    private static java.awt.Shape shape(int c) {
        double d = 7;
        return switch (c % 3) {
            case 0 -> new Ellipse2D.Double(-d / 2, -d / 2, d, d);
            case 1 -> new Rectangle2D.Double(-d / 2, -d / 2, d, d);
            default -> {
                java.awt.geom.Path2D t = new java.awt.geom.Path2D.Double();
                t.moveTo(0, -d / 2 - 1);
                t.lineTo(d / 2 + 1, d / 2);
                t.lineTo(-d / 2 - 1, d / 2);
                t.closePath();
                yield t;
            }
        };
    }

    /** The pixels per layout unit of the images: 2, for sharp text on the page. */
    static final int SCALE = 2;

    /**
     * Writes {@code chart} laid out on {@code w} × {@code h} as a PNG of {@link #SCALE} times as
     * many pixels each way; the page shows it at {@code w} × {@code h}.
     */
    static void png(JFreeChart chart, int w, int h, Path file) {
        BufferedImage img = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            g.scale(SCALE, SCALE);
            chart.draw(g, new Rectangle(0, 0, w, h));
        } finally {
            g.dispose();
        }
        png(img, file);
    }

    /** Writes an image as PNG. */
    static void png(BufferedImage img, Path file) {
        try {
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this Java");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Class index → pale color. */
    private record IndexPaintScale(Color[] colors, int k) implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return Math.max(1, k - 1);
        }

        @Override
        public Paint getPaint(double v) {
            int i = (int) Math.round(v);
            return i < 0 ? Color.WHITE : colors[i % colors.length];
        }
    }

    /** Count → white to dark blue. */
    private record BluePaintScale(long max) implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return max;
        }

        @Override
        public Paint getPaint(double v) {
            double t = Math.max(0, Math.min(1, v / max));
            int r = (int) Math.round(255 + t * (0x08 - 255));
            int g = (int) Math.round(255 + t * (0x51 - 255));
            int b = (int) Math.round(255 + t * (0x9c - 255));
            return new Color(r, g, b);
        }
    }
}
