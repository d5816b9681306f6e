/*
 * Writes the textbook's image data sets of chapter 18 as NumPy archives:
 *
 *     java examples/tools/ColorsGen.java examples        (from the repository root)
 *
 * writes into examples/08-cnn/data/
 *  - colors-train.npz (5000 images) and colors-test.npz (1000): the colour of a shape (18.1);
 *  - shapes-train.npz (5000) and shapes-test.npz (1000): the shape, in grey (18.2);
 *  - shape-colors-train.npz (5400) and shape-colors-test.npz (900): shape and colour (18.3).
 * Each archive holds two arrays, as np.savez_compressed writes them:
 *  - x: uint8 [N,C,28,28], channels first (C = 3: R, G, B planes; C = 1 for the grey shapes);
 *  - y: uint8 [N], the class index.
 *
 * Colours (18.1; the recipe of the textbook's ch18_color.py, redrawn with java.awt): a black
 * 28x28 background and one filled shape -- circle, rectangle, triangle, line (2 pixels wide) or
 * diamond -- at a random place and size, in one of six colours:
 *     0 red (255,0,0)   1 green (0,255,0)     2 blue (0,0,255)
 *     3 yellow (255,255,0)   4 cyan (0,255,255)   5 magenta (255,0,255)
 * 1000 training and 200 test images per shape. Within a shape the colours take turns (image i of
 * a shape has colour i mod 6), so the classes are balanced to within one image per shape; the
 * places and sizes are random; each set is then shuffled.
 *
 * Shapes (18.2): the five shapes drawn as the textbook's generator draws them (drawBook: a
 * "circle" is an ellipse of any proportions spanning the middle of the image, a triangle three
 * corners from the four quadrants, a line two points anywhere), each in a grey level drawn at
 * random from 128..255 (one level per image) on black; label = the shape index 0..4 (circle,
 * rectangle, triangle, line, diamond). 1000 training and 200 test images per shape, shuffled.
 *
 * Shape and colour (18.3; the textbook's ch18_shape_color.py, drawn the same way): a circle,
 * rectangle or triangle in red, green or blue; label = colour * 3 + shape (0 red circle, 1 red
 * rectangle, 2 red triangle, 3 green circle, ..., 8 blue triangle). 600 training and 100 test
 * images per class, shuffled.
 *
 * Every pixel is either black or exactly the image's colour (or grey): antialiasing is off, and
 * the colours are pure, so java.awt has nothing to blend. The program runs headless (no display
 * needed).
 *
 * Every run writes the same arrays: each data set has its own java.util.SplittableRandom with a
 * fixed seed (SEED, SHAPES_SEED, SHAPE_COLORS_SEED), from which nothing but nextDouble() is
 * taken; it draws the training set and then the test set; the shapes are drawn with integer
 * coordinates only. The archives themselves are byte for byte
 * the same on every run of one JDK (fixed entry times); another JDK's zlib may compress
 * differently, never to other arrays.
 */

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

public final class ColorsGen {

    /** The seed of the colour data set. */
    static final long SEED = 1801L;
    /** The seed of the grey shapes. */
    static final long SHAPES_SEED = 1802L;
    /** The seed of the shape and colour set. */
    static final long SHAPE_COLORS_SEED = 1803L;
    static final int SIZE = 28;
    static final int TRAIN_PER_SHAPE = 1000;
    static final int TEST_PER_SHAPE = 200;
    static final int SHAPE_COLORS_TRAIN = 600;
    static final int SHAPE_COLORS_TEST = 100;
    /** Grey levels of the shapes set: 128..255. */
    static final int GREY_MIN = 128;
    static final String[] SHAPES = {"circle", "rectangle", "triangle", "line", "diamond"};
    static final int[][] COLORS = {
        {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {0, 255, 255}, {255, 0, 255},
    };

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java examples/tools/ColorsGen.java <examples-directory>");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]).resolve("08-cnn/data");
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(SEED);
        write(dir.resolve("colors-train.npz"), colors(rnd, TRAIN_PER_SHAPE));
        write(dir.resolve("colors-test.npz"), colors(rnd, TEST_PER_SHAPE));
        rnd = new SplittableRandom(SHAPES_SEED);
        write(dir.resolve("shapes-train.npz"), shapes(rnd, TRAIN_PER_SHAPE));
        write(dir.resolve("shapes-test.npz"), shapes(rnd, TEST_PER_SHAPE));
        rnd = new SplittableRandom(SHAPE_COLORS_SEED);
        write(dir.resolve("shape-colors-train.npz"), shapeColors(rnd, SHAPE_COLORS_TRAIN));
        write(dir.resolve("shape-colors-test.npz"), shapeColors(rnd, SHAPE_COLORS_TEST));
    }

    /** One set: pixels [n,channels,28,28] and labels [n]. */
    record Set(byte[] x, byte[] y, int n, int channels) {
    }

    /** The colour set: {@code perShape} images of each shape, colours taking turns, shuffled. */
    static Set colors(SplittableRandom rnd, int perShape) {
        Set s = new Set(new byte[perShape * SHAPES.length * 3 * SIZE * SIZE],
                new byte[perShape * SHAPES.length], perShape * SHAPES.length, 3);
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int k = 0;
        for (int shape = 0; shape < SHAPES.length; shape++) {
            for (int i = 0; i < perShape; i++, k++) {
                int color = i % COLORS.length;
                int[] c = COLORS[color];
                draw(img, rnd, shape, new Color(c[0], c[1], c[2]));
                store(img, s, k, color);
            }
        }
        shuffle(rnd, s);
        return s;
    }

    /** The grey shapes: {@code perShape} images of each shape, a random grey each, shuffled. */
    static Set shapes(SplittableRandom rnd, int perShape) {
        Set s = new Set(new byte[perShape * SHAPES.length * SIZE * SIZE],
                new byte[perShape * SHAPES.length], perShape * SHAPES.length, 1);
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int k = 0;
        for (int shape = 0; shape < SHAPES.length; shape++) {
            for (int i = 0; i < perShape; i++, k++) {
                int grey = randint(rnd, GREY_MIN, 256);
                drawBook(img, rnd, shape, new Color(grey, grey, grey));
                store(img, s, k, shape);
            }
        }
        shuffle(rnd, s);
        return s;
    }

    /**
     * The shape and colour set: {@code perClass} images of each of the 9 classes, a circle,
     * rectangle or triangle in red, green or blue; label = colour * 3 + shape; shuffled.
     */
    static Set shapeColors(SplittableRandom rnd, int perClass) {
        Set s = new Set(new byte[perClass * 9 * 3 * SIZE * SIZE], new byte[perClass * 9],
                perClass * 9, 3);
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int k = 0;
        for (int color = 0; color < 3; color++) {
            int[] c = COLORS[color];
            for (int shape = 0; shape < 3; shape++) {
                for (int i = 0; i < perClass; i++, k++) {
                    drawBook(img, rnd, shape, new Color(c[0], c[1], c[2]));
                    store(img, s, k, color * 3 + shape);
                }
            }
        }
        shuffle(rnd, s);
        return s;
    }

    /** Copies {@code img} into sample {@code k} of {@code s}: R, G, B planes, or one grey plane. */
    static void store(BufferedImage img, Set s, int k, int label) {
        int plane = SIZE * SIZE;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                int rgb = img.getRGB(c, r);
                int at = k * s.channels() * plane + r * SIZE + c;
                if (s.channels() == 1) {
                    s.x()[at] = (byte) rgb;
                } else {
                    s.x()[at] = (byte) (rgb >> 16);
                    s.x()[at + plane] = (byte) (rgb >> 8);
                    s.x()[at + 2 * plane] = (byte) rgb;
                }
            }
        }
        s.y()[k] = (byte) label;
    }

    /** Fisher-Yates with the set's stream: sample j goes to a random place below it. */
    static void shuffle(SplittableRandom rnd, Set s) {
        int size = s.channels() * SIZE * SIZE;
        byte[] x = s.x();
        byte[] y = s.y();
        byte[] pixels = new byte[size];
        for (int j = s.n() - 1; j > 0; j--) {
            int o = randint(rnd, 0, j + 1);
            System.arraycopy(x, j * size, pixels, 0, size);
            System.arraycopy(x, o * size, x, j * size, size);
            System.arraycopy(pixels, 0, x, o * size, size);
            byte t = y[j];
            y[j] = y[o];
            y[o] = t;
        }
    }

    /**
     * Draws one shape in {@code color} on a black {@code img}. Its bounding box is 10 to 21
     * pixels wide and high, placed at random at least one pixel inside the border.
     */
    static void draw(BufferedImage img, SplittableRandom rnd, int shape, Color color) {
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
                    RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL,
                    RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setColor(color);
            int w = randint(rnd, 10, 22);
            int h = randint(rnd, 10, 22);
            int x0 = randint(rnd, 1, SIZE - w);
            int y0 = randint(rnd, 1, SIZE - h);
            int x1 = x0 + w - 1;
            int y1 = y0 + h - 1;
            switch (SHAPES[shape]) {
                case "circle" -> {
                    int d = Math.min(w, h);
                    g.fillOval(x0, y0, d, d);
                }
                case "rectangle" -> g.fillRect(x0, y0, w, h);
                case "triangle" -> {
                    // A base along the bottom of the box, the apex somewhere on its top.
                    int apex = randint(rnd, x0, x1 + 1);
                    g.fillPolygon(new int[] {x0, x1, apex}, new int[] {y1, y1, y0}, 3);
                }
                case "line" -> {
                    g.setStroke(new BasicStroke(2f));
                    if (rnd.nextDouble() < 0.5) {
                        g.drawLine(x0, y0, x1, y1);
                    } else {
                        g.drawLine(x0, y1, x1, y0);
                    }
                }
                case "diamond" -> {
                    int mx = (x0 + x1) / 2;
                    int my = (y0 + y1) / 2;
                    g.fillPolygon(new int[] {mx, x1, mx, x0}, new int[] {y0, my, y1, my}, 4);
                }
                default -> throw new AssertionError(shape);
            }
        } finally {
            g.dispose();
        }
    }

    /**
     * Draws one shape in {@code color} on a black {@code img} as the textbook's generators do
     * (ch18_color.py, ch18_shape_color.py, with PIL's inclusive corners): circle, rectangle and
     * diamond fill the box from a corner (x0, y0) in 0..13 to (x1, y1) in 14..27, so the "circle"
     * is an ellipse of any proportions; the triangle takes three of four corners drawn from the
     * four quadrants, (x0, y0) top left, (x1, y1) top right, (x2, y2) bottom left, (x3, y3) bottom
     * right, leaving one out at random; the line (2 pixels wide) joins two points anywhere.
     */
    static void drawBook(BufferedImage img, SplittableRandom rnd, int shape, Color color) {
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
                    RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL,
                    RenderingHints.VALUE_STROKE_NORMALIZE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setColor(color);
            int half = SIZE / 2;
            switch (SHAPES[shape]) {
                case "circle", "rectangle", "diamond" -> {
                    int x0 = randint(rnd, 0, half);
                    int y0 = randint(rnd, 0, half);
                    int x1 = randint(rnd, half, SIZE);
                    int y1 = randint(rnd, half, SIZE);
                    if (shape == 0) {
                        g.fillOval(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
                    } else if (shape == 1) {
                        g.fillRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
                    } else {
                        int mx = (x0 + x1) / 2;
                        int my = (y0 + y1) / 2;
                        polygon(g, new int[] {mx, x1, mx, x0}, new int[] {y0, my, y1, my});
                    }
                }
                case "triangle" -> {
                    int[] xs = {randint(rnd, 0, half), randint(rnd, half, SIZE),
                        randint(rnd, 0, half), randint(rnd, half, SIZE)};
                    int[] ys = {randint(rnd, 0, half), randint(rnd, 0, half),
                        randint(rnd, half, SIZE), randint(rnd, half, SIZE)};
                    int skip = 3 - randint(rnd, 0, 4);
                    int[] tx = new int[3];
                    int[] ty = new int[3];
                    for (int i = 0, j = 0; i < 4; i++) {
                        if (i != skip) {
                            tx[j] = xs[i];
                            ty[j++] = ys[i];
                        }
                    }
                    polygon(g, tx, ty);
                }
                case "line" -> {
                    g.setStroke(new BasicStroke(2f));
                    g.drawLine(randint(rnd, 0, SIZE), randint(rnd, 0, SIZE),
                            randint(rnd, 0, SIZE), randint(rnd, 0, SIZE));
                }
                default -> throw new AssertionError(shape);
            }
        } finally {
            g.dispose();
        }
    }

    /**
     * A filled polygon with its outline, as PIL draws {@code polygon(fill=c, outline=c)}. NOTE:
     * drawBook normalizes strokes: with pure strokes the fill and the outline of a thin polygon
     * land half a pixel apart and leave unlit pixels between them.
     */
    private static void polygon(Graphics2D g, int[] xs, int[] ys) {
        g.fillPolygon(xs, ys, xs.length);
        g.drawPolygon(xs, ys, xs.length);
    }

    /** numpy's randint(lo, hi): an integer in lo..hi-1, here floor(lo + U (hi - lo)). */
    static int randint(SplittableRandom rnd, int lo, int hi) {
        return lo + (int) (rnd.nextDouble() * (hi - lo));
    }

    /** Writes {@code s} as a deflated .npz archive of x.npy and y.npy. */
    static void write(Path file, Set s) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setMethod(ZipOutputStream.DEFLATED);
            zip.setLevel(Deflater.BEST_COMPRESSION);
            entry(zip, "x.npy", new int[] {s.n(), s.channels(), SIZE, SIZE}, s.x());
            entry(zip, "y.npy", new int[] {s.n()}, s.y());
        }
        System.out.println("wrote " + file + " (" + s.n() + " images)");
    }

    private static void entry(ZipOutputStream zip, String name, int[] shape, byte[] data)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(LocalDateTime.of(1980, 1, 1, 0, 0));
        zip.putNextEntry(e);
        zip.write(npyHeader(shape));
        zip.write(data);
        zip.closeEntry();
    }

    /** An NPY 1.0 header for a C-order uint8 array; its length is padded to a multiple of 64. */
    static byte[] npyHeader(int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String t = dims.toString();
        t = shape.length == 1 ? t.substring(0, t.length() - 1) : t.substring(0, t.length() - 2);
        StringBuilder dict = new StringBuilder("{'descr': '|u1', 'fortran_order': False, "
                + "'shape': (" + t + "), }");
        while ((10 + dict.length() + 1) % 64 != 0) {
            dict.append(' ');
        }
        dict.append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] h = new byte[10 + text.length];
        h[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, h, 1, 5);
        h[6] = 1;
        h[7] = 0;
        h[8] = (byte) text.length;
        h[9] = (byte) (text.length >> 8);
        System.arraycopy(text, 0, h, 10, text.length);
        return h;
    }
}
