/*
 * Writes the textbook's colour data set (18.1) as two NumPy archives:
 *
 *     java examples/tools/ColorsGen.java examples        (from the repository root)
 *
 * writes examples/08-cnn/data/colors-train.npz (5000 images) and colors-test.npz (1000 images).
 * Each archive holds two arrays, as np.savez_compressed writes them:
 *  - x: uint8 [N,3,28,28], channels first (R, G, B planes), one 28x28 RGB image per sample;
 *  - y: uint8 [N], the colour index 0..5.
 *
 * Recipe (the textbook's ch18_color.py, redrawn with java.awt): a black 28x28 background and one
 * filled shape -- circle, rectangle, triangle, line (2 pixels wide) or diamond -- at a random place
 * and size, in one of six colours:
 *     0 red (255,0,0)   1 green (0,255,0)     2 blue (0,0,255)
 *     3 yellow (255,255,0)   4 cyan (0,255,255)   5 magenta (255,0,255)
 * 1000 training and 200 test images per shape. Within a shape the colours take turns (image i of
 * a shape has colour i mod 6), so the classes are balanced to within one image per shape; the
 * places and sizes are random; each set is then shuffled.
 *
 * Every pixel is either black or exactly the image's colour: antialiasing is off, and the colours
 * are pure, so java.awt has nothing to blend. The program runs headless (no display needed).
 *
 * Every run writes the same arrays: one java.util.SplittableRandom with the fixed seed SEED,
 * from which nothing but nextDouble() is taken, draws the training set and then the test set;
 * the shapes are drawn with integer coordinates only. The archives themselves are byte for byte
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

    /** The seed of the whole data set. */
    static final long SEED = 1801L;
    static final int SIZE = 28;
    static final int TRAIN_PER_SHAPE = 1000;
    static final int TEST_PER_SHAPE = 200;
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
        write(dir.resolve("colors-train.npz"), set(rnd, TRAIN_PER_SHAPE));
        write(dir.resolve("colors-test.npz"), set(rnd, TEST_PER_SHAPE));
    }

    /** One set: pixels [n,3,28,28] and labels [n]. */
    record Set(byte[] x, byte[] y, int n) {
    }

    /** {@code perShape} images of each shape, colours taking turns, shuffled. */
    static Set set(SplittableRandom rnd, int perShape) {
        int n = perShape * SHAPES.length;
        int plane = SIZE * SIZE;
        byte[] x = new byte[n * 3 * plane];
        byte[] y = new byte[n];
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int k = 0;
        for (int shape = 0; shape < SHAPES.length; shape++) {
            for (int i = 0; i < perShape; i++, k++) {
                int color = i % COLORS.length;
                draw(img, rnd, shape, color);
                for (int r = 0; r < SIZE; r++) {
                    for (int c = 0; c < SIZE; c++) {
                        int rgb = img.getRGB(c, r);
                        int at = k * 3 * plane + r * SIZE + c;
                        x[at] = (byte) (rgb >> 16);
                        x[at + plane] = (byte) (rgb >> 8);
                        x[at + 2 * plane] = (byte) rgb;
                    }
                }
                y[k] = (byte) color;
            }
        }
        // Fisher-Yates with the same stream: sample j goes to a random place below it.
        byte[] pixels = new byte[3 * plane];
        for (int j = n - 1; j > 0; j--) {
            int o = randint(rnd, 0, j + 1);
            System.arraycopy(x, j * 3 * plane, pixels, 0, 3 * plane);
            System.arraycopy(x, o * 3 * plane, x, j * 3 * plane, 3 * plane);
            System.arraycopy(pixels, 0, x, o * 3 * plane, 3 * plane);
            byte t = y[j];
            y[j] = y[o];
            y[o] = t;
        }
        return new Set(x, y, n);
    }

    /**
     * Draws one shape in colour {@code color} on a black {@code img}. Its bounding box is 10 to
     * 21 pixels wide and high, placed at random at least one pixel inside the border.
     */
    static void draw(BufferedImage img, SplittableRandom rnd, int shape, int color) {
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
                    RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL,
                    RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, SIZE, SIZE);
            int[] c = COLORS[color];
            g.setColor(new Color(c[0], c[1], c[2]));
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
            entry(zip, "x.npy", new int[] {s.n(), 3, SIZE, SIZE}, s.x());
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
