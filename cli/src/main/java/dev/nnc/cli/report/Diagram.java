package dev.nnc.cli.report;

import dev.nnc.compiler.ir.LayerIR;
import dev.nnc.compiler.ir.ModelIR;
import dev.nnc.compiler.ops.ArgSpec;
import dev.nnc.compiler.ops.InitSpec;
import dev.nnc.runtime.data.Preprocessing;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model diagram: the input, one box per layer (name, kind and arguments, output shape,
 * parameters, FLOPs), the loss, top to bottom with arrows labelled by the shape that flows. One
 * layout, three renderings: SVG text, a PNG image (Java2D) and Graphviz DOT text.
 */
public final class Diagram {
    static final int WIDTH = 440;
    static final int BOX_H = 50;
    static final int GAP = 34;
    static final int MARGIN = 20;
    static final int TITLE_H = 30;

    /** A box of the diagram. */
    record Box(String title, String detail, String shapeBelow, String fill, String stroke) {
    }

    private final String title;
    private final List<Box> boxes;

    private Diagram(String title, List<Box> boxes) {
        this.title = title;
        this.boxes = List.copyOf(boxes);
    }

    /** The diagram of a checked model. */
    public static Diagram of(ModelIR m) {
        List<Box> boxes = new ArrayList<>();
        boxes.add(new Box("input", m.input().toString(), m.input().toString(), "#eeeeee",
                "#777777"));
        String prep = Preprocessing.describe(m.spec(), m.input().size(), m.output().size());
        if (!prep.equals("none")) {
            boxes.add(new Box("preprocessing", prep, m.input().toString(), "#f3eefa",
                    "#7a5ca8"));
        }
        for (LayerIR l : m.layers()) {
            String detail = "out " + l.out() + "  ·  " + count(l.paramCount()) + " params  ·  "
                    + count(l.flops()) + " FLOPs";
            String[] colors = colors(l);
            boxes.add(new Box(l.name() + "  " + call(l), detail, l.out().toString(), colors[0],
                    colors[1]));
        }
        boxes.add(new Box("loss " + m.spec().loss().id(),
                count(m.paramCount()) + " parameters, " + count(m.flops()) + " FLOPs/sample",
                null, "#eeeeee", "#777777"));
        return new Diagram("model " + m.name(), boxes);
    }

    private static String[] colors(LayerIR l) {
        if (!l.params().isEmpty()) {
            return new String[] {"#dce9f8", "#3d6fb0"};
        }
        if (l.kind().isActivation() && !l.kind().name().equals("softmax")) {
            return new String[] {"#e2f2df", "#4a9644"};
        }
        return new String[] {"#fdebd3", "#c47f1c"};
    }

    /**
     * The layer as a call: {@code dense(3)}, {@code leaky_relu(alpha: 0.2)}; required arguments by
     * position, others only when they differ from their default.
     */
    static String call(LayerIR l) {
        List<String> parts = new ArrayList<>();
        Map<String, Object> values = l.args().asMap();
        for (ArgSpec a : l.kind().args()) {
            Object v = values.get(a.name());
            if (v == null || v instanceof InitSpec) {
                continue;
            }
            if (a.required()) {
                parts.add(literal(v));
            } else if (!isDefault(v, a.defaultValue())) {
                parts.add(a.name() + ": " + literal(v));
            }
        }
        return l.kind().name() + (parts.isEmpty() ? "" : "(" + String.join(", ", parts) + ")");
    }

    /**
     * True when {@code v} is the default, or 0 for a default of NaN ("inherit from the train
     * block", where 0 means off).
     */
    private static boolean isDefault(Object v, Object def) {
        if (v instanceof Number n && def instanceof Number d) {
            double x = n.doubleValue();
            double y = d.doubleValue();
            return x == y || Double.isNaN(y) && x == 0;
        }
        return v.equals(def);
    }

    private static String literal(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Height of the drawing in pixels. */
    int height() {
        return MARGIN * 2 + TITLE_H + boxes.size() * BOX_H + (boxes.size() - 1) * GAP;
    }

    private int boxY(int i) {
        return MARGIN + TITLE_H + i * (BOX_H + GAP);
    }

    /** The diagram as a standalone SVG document. */
    public String toSvg() {
        int h = height();
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(h).append("\" font-family=\"DejaVu Sans, Helvetica, Arial, "
                        + "sans-serif\">\n");
        sb.append("  <title>").append(esc(title)).append("</title>\n");
        sb.append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                + "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 "
                + "L0,10 z\" fill=\"#555555\"/></marker></defs>\n");
        sb.append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        sb.append("  <text x=\"").append(WIDTH / 2).append("\" y=\"").append(MARGIN + 16)
                .append("\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">")
                .append(esc(title)).append("</text>\n");
        int x = MARGIN;
        int w = WIDTH - 2 * MARGIN;
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            int y = boxY(i);
            sb.append("  <g>\n");
            sb.append("    <rect x=\"").append(x).append("\" y=\"").append(y)
                    .append("\" width=\"").append(w).append("\" height=\"").append(BOX_H)
                    .append("\" rx=\"8\" fill=\"").append(b.fill()).append("\" stroke=\"")
                    .append(b.stroke()).append("\" stroke-width=\"1.5\"/>\n");
            sb.append("    <text x=\"").append(WIDTH / 2).append("\" y=\"").append(y + 21)
                    .append("\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                    .append(esc(b.title())).append("</text>\n");
            sb.append("    <text x=\"").append(WIDTH / 2).append("\" y=\"").append(y + 39)
                    .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333333\">")
                    .append(esc(b.detail())).append("</text>\n");
            sb.append("  </g>\n");
            if (i + 1 < boxes.size()) {
                int y0 = y + BOX_H;
                sb.append("  <line x1=\"").append(WIDTH / 2).append("\" y1=\"").append(y0)
                        .append("\" x2=\"").append(WIDTH / 2).append("\" y2=\"")
                        .append(y0 + GAP - 1).append("\" stroke=\"#555555\" stroke-width=\"1.5\""
                                + " marker-end=\"url(#arrow)\"/>\n");
                sb.append("  <text x=\"").append(WIDTH / 2 + 8).append("\" y=\"")
                        .append(y0 + GAP / 2 + 4).append("\" font-size=\"11\" fill=\"#555555\">")
                        .append(esc(b.shapeBelow())).append("</text>\n");
            }
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The diagram as a Graphviz DOT graph ({@code dot -Tpng model.dot > model.png}). */
    public String toDot() {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph ").append(quote(title)).append(" {\n");
        sb.append("  graph [rankdir=TB, label=").append(quote(title))
                .append(", labelloc=t, fontname=\"Helvetica\"];\n");
        sb.append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
        sb.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            sb.append("  n").append(i).append(" [label=").append(quote(b.title() + "\n"
                    + b.detail())).append(", fillcolor=").append(quote(b.fill()))
                    .append(", color=").append(quote(b.stroke())).append("];\n");
        }
        for (int i = 0; i + 1 < boxes.size(); i++) {
            sb.append("  n").append(i).append(" -> n").append(i + 1).append(" [label=")
                    .append(quote(boxes.get(i).shapeBelow())).append("];\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** The diagram drawn with Java2D at {@code scale} (2 for sharp pictures on HiDPI screens). */
    public BufferedImage toImage(double scale) {
        int w = (int) Math.ceil(WIDTH * scale);
        int h = (int) Math.ceil(height() * scale);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(scale, scale);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height());
            Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 14);
            Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
            g.setColor(Color.BLACK);
            centered(g, new Font(Font.SANS_SERIF, Font.BOLD, 16), title, MARGIN + 16);
            int x = MARGIN;
            int bw = WIDTH - 2 * MARGIN;
            for (int i = 0; i < boxes.size(); i++) {
                Box b = boxes.get(i);
                int y = boxY(i);
                RoundRectangle2D r = new RoundRectangle2D.Double(x, y, bw, BOX_H, 16, 16);
                g.setColor(Color.decode(b.fill()));
                g.fill(r);
                g.setStroke(new BasicStroke(1.5f));
                g.setColor(Color.decode(b.stroke()));
                g.draw(r);
                g.setColor(Color.BLACK);
                centered(g, bold, b.title(), y + 21);
                g.setColor(new Color(0x333333));
                centered(g, plain, b.detail(), y + 39);
                if (i + 1 < boxes.size()) {
                    int y0 = y + BOX_H;
                    int cx = WIDTH / 2;
                    g.setColor(new Color(0x555555));
                    g.drawLine(cx, y0, cx, y0 + GAP - 6);
                    Path2D head = new Path2D.Double();
                    head.moveTo(cx - 5, y0 + GAP - 8);
                    head.lineTo(cx + 5, y0 + GAP - 8);
                    head.lineTo(cx, y0 + GAP);
                    head.closePath();
                    g.fill(head);
                    g.setFont(small);
                    g.drawString(b.shapeBelow(), cx + 8, y0 + GAP / 2 + 4);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void centered(Graphics2D g, Font f, String s, int baseline) {
        g.setFont(f);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (WIDTH - fm.stringWidth(s)) / 2f, baseline);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
