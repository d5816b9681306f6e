package dev.nnc.cli.report;

import dev.nnc.runtime.model.ModelSpec;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.title.TextTitle;

/**
 * The training curves of a report, from the run's {@link History}: the loss, the quality measure
 * (accuracy or R²) and the learning rate per epoch.
 *
 * <p>Every curve has whole-number epoch ticks. A measure the trainer took at some epochs only
 * (the logged ones, the last, those the stop condition reads) is drawn as dots at those epochs
 * joined by a dashed line, and the chart says so in a subtitle: "measured at 5 of 200 epochs".
 * Value axes do not zoom into noise: accuracy on 0–1, R² up to 1, the loss from 0 or on a log
 * axis with plain-number labels when it falls more than 20-fold, the learning rate from 0.
 */
final class TrainingCurves {
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Below this, R² is off the chart: the start of a run would flatten the rest. */
    static final double R2_FLOOR = -1;

    private TrainingCurves() {
    }

    /** The loss per epoch: mean batch loss every epoch, full-set losses where measured. */
    static JFreeChart loss(History h, ModelSpec spec) {
        double[] epoch = h.values("epoch");
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("training, mean batch loss", epoch, h.values("train_loss"),
                new Color(0x9ecae1), true, false, 1.2f));
        if (h.has("loss")) {
            lines.add(measured("training set", epoch, h.values("loss"), Charts.STRONG[0]));
        }
        if (h.has("val_loss")) {
            lines.add(measured("validation set", epoch, h.values("val_loss"),
                    Charts.STRONG[1]));
        }
        double[] b = Charts.yBounds(lines);
        ValueAxis y = b[0] > 0 && b[1] / b[0] > 20 ? new Axes.PlainLogAxis("loss", b[0], b[1])
                : Axes.linear("loss", Axes.span(Math.min(b[0], 0), b[1], 0,
                        Double.POSITIVE_INFINITY));
        JFreeChart c = Charts.lines("Loss (" + spec.loss().id() + ") per epoch", xAxis(epoch),
                y, lines);
        sparseNote(c, h, "loss");
        return c;
    }

    /** Accuracy or R² per epoch, training and validation sets; {@code null} when never taken. */
    static JFreeChart metric(History h, ModelSpec spec) {
        String q = spec.loss().isClassification() ? "accuracy" : "r2";
        if (!h.has(q) && !h.has("val_" + q)) {
            return null;
        }
        double[] epoch = h.values("epoch");
        List<Charts.Line> lines = new ArrayList<>();
        if (h.has(q)) {
            lines.add(measured("training set", epoch, h.values(q), Charts.STRONG[0]));
        }
        if (h.has("val_" + q)) {
            lines.add(measured("validation set", epoch, h.values("val_" + q), Charts.STRONG[1]));
        }
        NumberAxis y;
        if (q.equals("accuracy")) {
            y = Axes.linear("accuracy", new Axes.Range(0, 1.02));
        } else {
            double lo = Math.max(R2_FLOOR, Math.min(0, Charts.yBounds(lines)[0]));
            y = Axes.linear("R²", new Axes.Range(lo - 0.02 * (1 - lo), 1 + 0.02 * (1 - lo)));
        }
        String label = q.equals("r2") ? "R²" : "Accuracy";
        JFreeChart c = Charts.lines(label + " per epoch", xAxis(epoch), y, lines);
        sparseNote(c, h, q.equals("r2") ? "r2" : "accuracy");
        return c;
    }

    /** The learning rate per epoch; a constant rate is one flat line, said in the subtitle. */
    static JFreeChart rate(History h, ModelSpec spec) {
        double[] epoch = h.values("epoch");
        List<Charts.Line> lines = List.of(new Charts.Line("lr", epoch, h.values("lr"),
                Charts.STRONG[2], true, false, 2f));
        double[] b = Charts.yBounds(lines);
        boolean constant = Axes.plain(b[0]).equals(Axes.plain(b[1]));
        ValueAxis y = !constant && b[0] > 0 && b[1] / b[0] > 20
                ? new Axes.PlainLogAxis("learning rate", b[0], b[1])
                : Axes.linear("learning rate", new Axes.Range(0, Double.isFinite(b[1])
                        && b[1] > 0 ? b[1] * 1.15 : 1));
        JFreeChart c = Charts.lines("Learning rate per epoch (" + spec.optimizer().name() + ")",
                xAxis(epoch), y, lines);
        if (constant && Double.isFinite(b[0])) {
            c.addSubtitle(subtitle("constant " + Axes.plain(b[0])));
        }
        return c;
    }

    private static NumberAxis xAxis(double[] epoch) {
        return Axes.epochs("epoch", epoch.length == 0 ? 1 : epoch[0],
                epoch.length == 0 ? 1 : epoch[epoch.length - 1]);
    }

    /** A full-set measure: dots where taken, joined by a dashed line when taken sparsely. */
    private static Charts.Line measured(String name, double[] epoch, double[] v, Color c) {
        int taken = taken(v);
        return new Charts.Line(name, epoch, v, c, true, true, 2f, taken < v.length);
    }

    private static int taken(double[] v) {
        int n = 0;
        for (double x : v) {
            n += Double.isNaN(x) ? 0 : 1;
        }
        return n;
    }

    /** The subtitle "measured at N of M epochs …" when the column was not taken every epoch. */
    private static void sparseNote(JFreeChart c, History h, String column) {
        int taken = taken(h.values(column));
        int all = h.rows().size();
        if (taken > 0 && taken < all) {
            c.addSubtitle(subtitle(String.format(Locale.ROOT, "%s over the whole set measured "
                    + "at %d of %d epochs (logged, last, stop condition); dashed lines join the "
                    + "measured points", column.equals("r2") ? "R²" : column, taken, all)));
        }
    }

    private static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, SUBTITLE);
        t.setPaint(new Color(0x555555));
        return t;
    }
}
