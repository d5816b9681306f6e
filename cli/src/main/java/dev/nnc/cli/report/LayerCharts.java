package dev.nnc.cli.report;

import dev.nnc.runtime.model.LayerInfo;
import dev.nnc.runtime.model.ParamTensor;
import dev.nnc.runtime.train.Histogram;
import dev.nnc.runtime.train.LayerHistograms;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report's pictures of what the layers see (textbook 15.1 and 15.5): a grid of histograms,
 * one row per layer (or weight tensor), one column per chosen epoch, drawn with Java2D. Sizes
 * are in the page's pixels; the images have {@link Charts#SCALE} times as many.
 *
 * <p>Three images: {@code activations.png} (each layer's outputs over the fixed sample),
 * {@code weights.png} (each weight tensor) and {@code gradients.png} (the gradient of the
 * sample's mean loss for each weight tensor). Each cell has its own range, written under it,
 * with the mean and standard deviation, and its bars scaled to its own highest bin, so a layer
 * whose values crowd at 0 and 1 (sigmoid saturation) or shrink to a spike at 0 (vanishing) shows
 * it at a glance; the range labels say how far apart the cells' scales are.
 */
public final class LayerCharts {
    static final int LABEL = 150;
    static final int CELL_W = 170;
    static final int CELL_H = 96;
    static final int HEAD = 58;
    private static final Color BAR = new Color(0x1f77b4);
    private static final Color EMPTY = new Color(0xf4f4f4);
    private static final Color EDGE = new Color(0xd0d0d0);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

    private LayerCharts() {
    }

    /** One picture: its title, its row labels, and a histogram per row and snapshot. */
    record Grid(String title, List<String> rows, List<Integer> epochs,
            List<List<Histogram>> cells) {
    }

    /** The images written, in the page's order, with their sizes. */
    public record Image(String title, Path file, int width, int height, String caption) {
    }

    /**
     * Writes {@code activations.png}, {@code weights.png} and {@code gradients.png} of
     * {@code h} into {@code dir}; nothing when {@code h} is {@code null} or holds no snapshot.
     */
    public static List<Image> write(LayerHistograms h, Path dir) {
        List<Image> out = new ArrayList<>();
        if (h == null || h.snapshots().isEmpty()) {
            return out;
        }
        List<LayerHistograms.Snapshot> snaps = h.snapshots();
        List<Integer> epochs = snaps.stream().map(LayerHistograms.Snapshot::epoch).toList();
        List<Integer> shown = new ArrayList<>();
        List<String> layerRows = new ArrayList<>();
        for (int i = 0; i < h.layers().size(); i++) {
            LayerInfo l = h.layers().get(i);
            // NOTE: flatten and (at inference) dropout pass their input on unchanged.
            if (!l.kind().equals("flatten") && !l.kind().equals("dropout")) {
                shown.add(i);
                layerRows.add(l.name() + " " + shape(l.shape()));
            }
        }
        String sample = h.samples() + " training samples";
        out.add(draw(new Grid("Activations: each layer's outputs over " + sample, layerRows,
                epochs, cells(snaps, s -> pick(s.activations(), shown))), dir,
                "activations.png", "Activations",
                "Each layer's outputs over the first " + sample + " (samples × units values "
                        + "per histogram) in an inference pass (batch norm with its running "
                        + "statistics, no dropout), after the epochs at the top. "
                        + "Sigmoid outputs piled up at 0 and 1 are saturated (their gradient "
                        + "vanishes); outputs that shrink to a spike from layer to layer carry "
                        + "nothing forward."));
        List<String> tensorRows = new ArrayList<>();
        for (ParamTensor t : h.weights()) {
            tensorRows.add(t.name() + " " + shape(t.shape()));
        }
        if (!tensorRows.isEmpty()) {
            out.add(draw(new Grid("Weights", tensorRows, epochs,
                    cells(snaps, LayerHistograms.Snapshot::weights)), dir, "weights.png",
                    "Weights", "The values of each weight tensor after the epochs at the top."));
            out.add(draw(new Grid("Gradients of the loss over " + sample, tensorRows, epochs,
                    cells(snaps, LayerHistograms.Snapshot::gradients)), dir, "gradients.png",
                    "Gradients", "The gradient of the mean loss over the same " + sample
                            + " for each weight tensor: ranges that shrink toward the first "
                            + "layers are vanishing gradients; all zero, nothing learns."));
        }
        return out;
    }

    /** The page's section of {@code images}: a heading and a figure each; "" for none. */
    static String html(List<Image> images) {
        if (images.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2>What the layers see</h2>\n");
        for (Image i : images) {
            sb.append("<figure><h3>").append(Report.esc(i.title())).append("</h3><img src=\"")
                    .append(Report.esc(i.file().getFileName().toString()))
                    .append("\" width=\"").append(i.width()).append("\" height=\"")
                    .append(i.height()).append("\" alt=\"").append(Report.esc(i.title()))
                    .append("\"><figcaption>").append(Report.esc(i.caption()))
                    .append("</figcaption></figure>\n");
        }
        return sb.toString();
    }

    private static List<Histogram> pick(List<Histogram> all, List<Integer> idx) {
        List<Histogram> l = new ArrayList<>();
        for (int i : idx) {
            l.add(all.get(i));
        }
        return l;
    }

    /** cells.get(row).get(column) from per-snapshot lists. */
    private static List<List<Histogram>> cells(List<LayerHistograms.Snapshot> snaps,
            Function<LayerHistograms.Snapshot, List<Histogram>> of) {
        List<List<Histogram>> rows = new ArrayList<>();
        int n = of.apply(snaps.get(0)).size();
        for (int r = 0; r < n; r++) {
            List<Histogram> row = new ArrayList<>();
            for (LayerHistograms.Snapshot s : snaps) {
                row.add(of.apply(s).get(r));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Image draw(Grid g, Path dir, String file, String title, String caption) {
        Path p = dir.resolve(file);
        Charts.png(image(g), p);
        return new Image(title, p, width(g.epochs().size()), height(g.rows().size()), caption);
    }

    /** The page's width of a grid of {@code columns}. */
    static int width(int columns) {
        return LABEL + CELL_W * columns + 10;
    }

    /** The page's height of a grid of {@code rows}. */
    static int height(int rows) {
        return HEAD + CELL_H * rows + 10;
    }

    /**
     * The grid as an image of {@link Charts#SCALE} times as many pixels each way as the page
     * shows, as the other charts are.
     */
    static BufferedImage image(Grid g) {
        int w = width(g.epochs().size());
        int h = height(g.rows().size());
        BufferedImage img = new BufferedImage(w * Charts.SCALE, h * Charts.SCALE,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        try {
            gr.scale(Charts.SCALE, Charts.SCALE);
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            gr.setColor(Color.WHITE);
            gr.fillRect(0, 0, w, h);
            gr.setColor(Color.DARK_GRAY);
            gr.setFont(TITLE);
            gr.drawString(g.title(), 10, 22);
            gr.setFont(TEXT);
            for (int c = 0; c < g.epochs().size(); c++) {
                int e = g.epochs().get(c);
                gr.drawString(e == 0 ? "initial" : "epoch " + e, LABEL + c * CELL_W + 6,
                        HEAD - 10);
            }
            for (int r = 0; r < g.rows().size(); r++) {
                int y = HEAD + r * CELL_H;
                gr.setColor(Color.DARK_GRAY);
                gr.setFont(TEXT);
                drawClipped(gr, g.rows().get(r), 10, y + CELL_H / 2, LABEL - 16);
                for (int c = 0; c < g.epochs().size(); c++) {
                    cell(gr, g.cells().get(r).get(c), LABEL + c * CELL_W, y);
                }
            }
        } finally {
            gr.dispose();
        }
        return img;
    }

    /** One histogram in the cell whose top left corner is (x, y). */
    private static void cell(Graphics2D g, Histogram hist, int x, int y) {
        int px = x + 4;
        int py = y + 4;
        int pw = CELL_W - 12;
        int ph = CELL_H - 34;
        g.setColor(EMPTY);
        g.fillRect(px, py, pw, ph);
        g.setColor(EDGE);
        g.drawRect(px, py, pw, ph);
        long[] counts = hist.counts();
        long peak = hist.peak();
        if (peak > 0) {
            g.setColor(BAR);
            double bw = (double) pw / counts.length;
            for (int b = 0; b < counts.length; b++) {
                int bh = (int) Math.round((double) counts[b] / peak * (ph - 2));
                if (counts[b] > 0) {
                    bh = Math.max(1, bh);
                }
                int bx = px + (int) Math.round(b * bw);
                int bx2 = px + (int) Math.round((b + 1) * bw);
                g.fillRect(bx, py + ph - bh, Math.max(1, bx2 - bx - (bw > 3 ? 1 : 0)), bh);
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        int ly = py + ph + fm.getAscent() + 1;
        String lo = num(hist.lo());
        String hi = num(hist.hi());
        g.drawString(lo, px, ly);
        g.drawString(hi, px + pw - fm.stringWidth(hi), ly);
        String stats = Double.isNaN(hist.mean()) ? "no finite value"
                : "μ " + num(hist.mean()) + "  σ " + num(hist.std())
                        + (hist.nonFinite() > 0 ? "  " + hist.nonFinite() + " not finite" : "");
        g.drawString(stats, px + (pw - fm.stringWidth(stats)) / 2, ly + fm.getHeight());
    }

    private static void drawClipped(Graphics2D g, String s, int x, int y, int max) {
        FontMetrics fm = g.getFontMetrics();
        String t = s;
        if (fm.stringWidth(t) > max) {
            while (t.length() > 1 && fm.stringWidth(t + "…") > max) {
                t = t.substring(0, t.length() - 1);
            }
            t += "…";
        }
        g.drawString(t, x, y);
    }

    static String num(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e4 || a < 1e-3 ? String.format(Locale.ROOT, "%.2e", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "×").append(s[i]);
        }
        return b.append(']').toString();
    }
}
