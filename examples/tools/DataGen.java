/*
 * Writes the data sets of the textbook examples (steps 1-5, 7 and the small ones of step 9) as
 * CSV files.
 *
 *     java examples/tools/DataGen.java examples        (from the repository root)
 *
 * Every file is rewritten byte for byte the same on every run and on every machine:
 *  - each random data set draws from its own java.util.SplittableRandom with the fixed seed listed
 *    in SEEDS below, and takes nothing from it but nextDouble() (U = uniform [0,1));
 *  - the draws are made in the order the textbook's numpy generator makes them (all of one column,
 *    then the next), so a recipe reads the same here as there;
 *  - transcendental functions go through StrictMath, whose results are specified to the bit;
 *  - numbers are printed with Double.toString's digits (enough to read back the same double, so
 *    also the same float), in plain notation, never with an exponent; integers without a decimal
 *    point; '\n' line ends; a header row.
 *
 * The recipes are those of the textbook's data generators (神经网络基本原理简明教程,
 * microsoft/ai-edu, SourceCode/Data and the chapter scripts); see examples/README.md. The values
 * differ from the book's own files, which were drawn from numpy's unseeded generator.
 */

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

public final class DataGen {

    /** The seed of each random data set. Changing one changes that data set and nothing else. */
    static final long SEED_SERVERS = 404L;   // ch04, 02-linear-regression/servers.csv
    static final long SEED_HOUSE = 505L;     // ch05, 02-linear-regression/house.csv
    static final long SEED_LOGISTIC = 606L;  // ch06, 03-linear-classification/logistic.csv
    static final long SEED_SOFTMAX = 707L;   // ch07, 03-linear-classification/softmax.csv
    static final long SEED_SINE = 808L;      // ch08, 04-nonlinear-regression/sine-train.csv
    static final long SEED_CURVE = 909L;     // ch09, 04-nonlinear-regression/curve-train.csv
    static final long SEED_ARCS = 1010L;     // ch10, 05-nonlinear-classification/arcs-*.csv
    static final long SEED_RINGS = 1111L;    // ch11, 05-nonlinear-classification/rings-*.csv
    static final long SEED_ECHO = 1901L;     // 19.1, 09-rnn/echo-*.csv

    private final Path root;

    private DataGen(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java examples/tools/DataGen.java <examples-directory>");
            System.exit(2);
        }
        DataGen gen = new DataGen(Path.of(args[0]));
        gen.blackbox();
        gen.servers();
        gen.house();
        gen.logistic();
        gen.gates();
        gen.softmax();
        gen.sine();
        gen.curve();
        gen.xor();
        gen.arcs();
        gen.rings();
        gen.overfit();
        gen.echo();
        gen.subtract();
    }

    // ---- step 1: one neuron ----------------------------------------------------------------

    /** The black box of chapter 2.0: four samples of y = 2.21x. */
    void blackbox() {
        Csv csv = new Csv("x", "y");
        csv.row(1.0, 2.21);
        csv.row(1.1, 2.431);
        csv.row(1.2, 2.652);
        csv.row(2.0, 4.42);
        csv.write("01-neuron/blackbox.csv");
    }

    // ---- step 2: linear regression ---------------------------------------------------------

    /** ch04: m = 100, x = U, y = 2x + 3 + N(0, 0.2) (0.2 is the standard deviation). */
    void servers() {
        SplittableRandom rnd = new SplittableRandom(SEED_SERVERS);
        int m = 100;
        double[] x = uniform(rnd, m);
        double[] noise = new double[m];
        for (int i = 0; i < m; i++) {
            noise[i] = 0.2 * gaussian(rnd);
        }
        Csv csv = new Csv("x", "y");
        for (int i = 0; i < m; i++) {
            csv.row(x[i], 2 * x[i] + 3 + noise[i]);
        }
        csv.write("02-linear-regression/servers.csv");
    }

    /**
     * ch05: m = 1000, x1 = 20U + 2 (distance), x2 = randint(40, 120) (area, 40..119),
     * y = 2(20 - x1) + 5 x2 + 10 + (randint(1, 100) - 50) (price; the noise is -49..49).
     */
    void house() {
        SplittableRandom rnd = new SplittableRandom(SEED_HOUSE);
        int m = 1000;
        double[] x1 = new double[m];
        for (int i = 0; i < m; i++) {
            x1[i] = rnd.nextDouble() * 20 + 2;
        }
        int[] x2 = new int[m];
        for (int i = 0; i < m; i++) {
            x2[i] = randint(rnd, 40, 120);
        }
        int[] noise = new int[m];
        for (int i = 0; i < m; i++) {
            noise[i] = randint(rnd, 1, 100) - 50;
        }
        Csv csv = new Csv("distance", "area", "price");
        for (int i = 0; i < m; i++) {
            double y = 2 * (20 - x1[i]) + 5 * x2[i] + 10 + noise[i];
            csv.row(x1[i], x2[i], y);
        }
        csv.write("02-linear-regression/house.csv");
    }

    // ---- step 3: linear classification -----------------------------------------------------

    /** ch06: 200 points U in [0,1)^2; label 1 where x2 > 2 x1 - 0.5, else 0. */
    void logistic() {
        SplittableRandom rnd = new SplittableRandom(SEED_LOGISTIC);
        Csv csv = new Csv("x1", "x2", "label");
        for (int i = 0; i < 200; i++) {
            double a = rnd.nextDouble();
            double b = rnd.nextDouble();
            csv.row(a, b, b > 2 * a - 0.5 ? 1 : 0);
        }
        csv.write("03-linear-classification/logistic.csv");
    }

    /** ch06.5: the truth tables of AND, OR, NAND, NOR (two inputs) and NOT (one input). */
    void gates() {
        int[][] in = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        int[][] out = {
            {0, 0, 0, 1}, // and
            {0, 1, 1, 1}, // or
            {1, 1, 1, 0}, // nand
            {1, 0, 0, 0}, // nor
        };
        String[] names = {"and", "or", "nand", "nor"};
        for (int g = 0; g < names.length; g++) {
            Csv csv = new Csv("x1", "x2", "y");
            for (int i = 0; i < in.length; i++) {
                csv.row(in[i][0], in[i][1], out[g][i]);
            }
            csv.write("03-linear-classification/gates/" + names[g] + ".csv");
        }
        Csv not = new Csv("x", "y");
        not.row(0, 1);
        not.row(1, 0);
        not.write("03-linear-classification/gates/not.csv");
    }

    /**
     * ch07: X = 10 U(200, 2). For each point, in order, x2' = |x2 - (U - 0.5) 2| (X itself is kept)
     * is compared with f1 = 2.5 x1 - 10, f2 = 0.3 x1 + 5, f3 = -x1 + 10: class 1 above all three;
     * class 2 above f1, below f2 and f3; class 3 below f1 and f2, above f3; every other point is
     * dropped.
     */
    void softmax() {
        SplittableRandom rnd = new SplittableRandom(SEED_SOFTMAX);
        int m = 200;
        double[][] x = new double[m][2];
        for (int i = 0; i < m; i++) {
            x[i][0] = rnd.nextDouble() * 10;
            x[i][1] = rnd.nextDouble() * 10;
        }
        Csv csv = new Csv("x1", "x2", "class");
        for (int i = 0; i < m; i++) {
            double a = x[i][0];
            double f1 = 2.5 * a - 10;
            double f2 = 0.3 * a + 5;
            double f3 = -1 * a + 10;
            double noise = (rnd.nextDouble() - 0.5) * 2;
            double b = Math.abs(x[i][1] - noise);
            int label;
            if (b > f1 && b > f2 && b > f3) {
                label = 1;
            } else if (b > f1 && b < f2 && b < f3) {
                label = 2;
            } else if (b < f1 && b < f2 && b > f3) {
                label = 3;
            } else {
                continue;
            }
            csv.row(x[i][0], x[i][1], label);
        }
        csv.write("03-linear-classification/softmax.csv");
    }

    // ---- step 4: non-linear regression -----------------------------------------------------

    /** ch08: train 500 points x = U, y = sin(2 pi x) + (U - 0.5) / 5; test linspace(0, 1, 100). */
    void sine() {
        SplittableRandom rnd = new SplittableRandom(SEED_SINE);
        int m = 500;
        double[] x = uniform(rnd, m);
        double[] u = uniform(rnd, m);
        Csv train = new Csv("x", "y");
        for (int i = 0; i < m; i++) {
            train.row(x[i], sine(x[i]) + (u[i] - 0.5) / 5);
        }
        train.write("04-nonlinear-regression/sine-train.csv");
        Csv test = new Csv("x", "y");
        for (double t : linspace(0, 1, 100)) {
            test.row(t, sine(t));
        }
        test.write("04-nonlinear-regression/sine-test.csv");
    }

    private static double sine(double x) {
        return StrictMath.sin(2 * Math.PI * x);
    }

    /**
     * ch09: train 1000 points x = U, y = curve(x) + (U - 0.5) / 10 with
     * curve(x) = 0.4x^2 + 0.3x sin(15x) + 0.01 cos(50x) - 0.3; test linspace(0, 1, 200).
     */
    void curve() {
        SplittableRandom rnd = new SplittableRandom(SEED_CURVE);
        int m = 1000;
        double[] x = uniform(rnd, m);
        double[] u = uniform(rnd, m);
        Csv train = new Csv("x", "y");
        for (int i = 0; i < m; i++) {
            train.row(x[i], curve(x[i]) + (u[i] - 0.5) / 10);
        }
        train.write("04-nonlinear-regression/curve-train.csv");
        Csv test = new Csv("x", "y");
        for (double t : linspace(0, 1, 200)) {
            test.row(t, curve(t));
        }
        test.write("04-nonlinear-regression/curve-test.csv");
    }

    private static double curve(double x) {
        return 0.4 * x * x + 0.3 * x * StrictMath.sin(15 * x) + 0.01 * StrictMath.cos(50 * x) - 0.3;
    }

    // ---- step 5: non-linear classification -------------------------------------------------

    /** ch10.3: the truth table of XOR. */
    void xor() {
        Csv csv = new Csv("x1", "x2", "y");
        csv.row(0, 0, 0);
        csv.row(0, 1, 1);
        csv.row(1, 0, 1);
        csv.row(1, 1, 0);
        csv.write("05-nonlinear-classification/xor.csv");
    }

    /**
     * ch10.5: per class n points at x = linspace(0, 3.14, n); class 0 at y = sin x + (U - 0.5) / 4,
     * class 1 at sin x + (U - 0.5) / 4 + 0.65 with its own noise. Class 0 rows come first. The
     * training set (n = 200) is drawn first, then the test set (n = 50), from one generator.
     */
    void arcs() {
        SplittableRandom rnd = new SplittableRandom(SEED_ARCS);
        arcs(rnd, 200).write("05-nonlinear-classification/arcs-train.csv");
        arcs(rnd, 50).write("05-nonlinear-classification/arcs-test.csv");
    }

    private Csv arcs(SplittableRandom rnd, int n) {
        double[] x = linspace(0, 3.14, n);
        Csv csv = new Csv("x1", "x2", "label");
        for (int label = 0; label <= 1; label++) {
            double[] u = uniform(rnd, n);
            for (int i = 0; i < n; i++) {
                double y = StrictMath.sin(x[i]) + (u[i] - 0.5) / 4 + (label == 1 ? 0.65 : 0.0);
                csv.row(x[i], y, label);
            }
        }
        return csv;
    }

    /**
     * ch11: 1500 points U - 0.5 in [-0.5, 0.5)^2. |x1| < 0.2 and |x2| < 0.2: class 1 (the square
     * hole of the coin); else r = sqrt(x1^2 + x2^2) < 0.45: class 2; else class 3. The first 1000
     * points are the training set, the last 500 the test set.
     */
    void rings() {
        SplittableRandom rnd = new SplittableRandom(SEED_RINGS);
        Csv train = new Csv("x1", "x2", "class");
        Csv test = new Csv("x1", "x2", "class");
        for (int i = 0; i < 1500; i++) {
            double a = rnd.nextDouble() - 0.5;
            double b = rnd.nextDouble() - 0.5;
            int label;
            if (Math.abs(a) < 0.2 && Math.abs(b) < 0.2) {
                label = 1;
            } else if (StrictMath.sqrt(a * a + b * b) < 0.45) {
                label = 2;
            } else {
                label = 3;
            }
            (i < 1000 ? train : test).row(a, b, label);
        }
        train.write("05-nonlinear-classification/rings-train.csv");
        test.write("05-nonlinear-classification/rings-test.csv");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static double[] uniform(SplittableRandom rnd, int n) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = rnd.nextDouble();
        }
        return u;
    }

    /** numpy's randint(lo, hi): an integer in lo..hi-1, here floor(lo + U (hi - lo)). */
    private static int randint(SplittableRandom rnd, int lo, int hi) {
        return lo + (int) (rnd.nextDouble() * (hi - lo));
    }

    /** A standard normal draw by Box-Muller from two uniforms (the cosine branch only). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    // ---- step 7: regularization --------------------------------------------------------------

    /**
     * ch16: 25 training points x = linspace(0, 2·3.1416, 25) of the square-wave partial sum
     * y = 4 sin x / π + 4 sin 5x / (5π); 100 test points of its first harmonic, y = 4 sin x / π,
     * which a net that fits the training points too closely misses.
     */
    void overfit() {
        Csv train = new Csv("x", "y");
        for (double x : linspace(0, 2 * 3.1416, 25)) {
            train.row(x, 4 * StrictMath.sin(x) / Math.PI
                    + 4 * StrictMath.sin(5 * x) / (5 * Math.PI));
        }
        train.write("07-deep/overfit/ch16-train.csv");
        Csv test = new Csv("x", "y");
        for (double x : linspace(0, 2 * 3.1416, 100)) {
            test.row(x, 4 * StrictMath.sin(x) / Math.PI);
        }
        test.write("07-deep/overfit/ch16-test.csv");
    }

    // ---- step 9: recurrent networks -----------------------------------------------------------

    /**
     * 19.1: sequences of two steps x1, x2 = U (uniform in [0, 1)); the target is the first step,
     * y = x1, which the net must remember while it reads x2 (y_t = x_{t-1} at t = 2). 500
     * training sequences, then 100 test sequences. A row is one sequence: x1, x2 (an input
     * [2,1] read step-major), then y.
     */
    void echo() {
        SplittableRandom rnd = new SplittableRandom(SEED_ECHO);
        echo(rnd, 500).write("09-rnn/echo-train.csv");
        echo(rnd, 100).write("09-rnn/echo-test.csv");
    }

    private Csv echo(SplittableRandom rnd, int n) {
        Csv csv = new Csv("x1", "x2", "y");
        for (int i = 0; i < n; i++) {
            double x1 = rnd.nextDouble();
            double x2 = rnd.nextDouble();
            csv.row(x1, x2, x1);
        }
        return csv;
    }

    /**
     * 19.2: every pair a >= b of 4-bit numbers (0..15; 136 pairs) and their difference
     * d = a - b, as bit sequences, least significant bit first. A row is one sequence: the input
     * [4,2] step-major (a0, b0, a1, b1, ...: step t holds bit t of a and of b), then the output
     * [4,1] (d0..d3: bit t of the difference). No randomness.
     */
    void subtract() {
        Csv csv = new Csv("a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "d0", "d1", "d2", "d3");
        for (int a = 0; a <= 15; a++) {
            for (int b = 0; b <= a; b++) {
                double[] row = new double[12];
                for (int t = 0; t < 4; t++) {
                    row[2 * t] = (a >> t) & 1;
                    row[2 * t + 1] = (b >> t) & 1;
                    row[8 + t] = ((a - b) >> t) & 1;
                }
                csv.row(row);
            }
        }
        csv.write("09-rnn/subtract.csv");
    }

    /** numpy's linspace(start, stop, n): start + i (stop - start) / (n - 1), the last one exact. */
    private static double[] linspace(double start, double stop, int n) {
        double[] v = new double[n];
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        v[n - 1] = stop;
        return v;
    }

    /** One CSV file being built: a header, then rows of numbers. */
    private final class Csv {
        private final StringBuilder text = new StringBuilder();
        private final int columns;

        Csv(String... header) {
            columns = header.length;
            text.append(String.join(",", header)).append('\n');
        }

        void row(double... values) {
            if (values.length != columns) {
                throw new IllegalArgumentException(
                        values.length + " values for " + columns + " columns");
            }
            List<String> cells = new ArrayList<>(values.length);
            for (double v : values) {
                cells.add(format(v));
            }
            text.append(String.join(",", cells)).append('\n');
        }

        void write(String relative) {
            Path file = root.resolve(relative);
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.out.println("wrote " + file);
        }
    }

    /** Integers as integers ("40"), everything else with the digits of Double.toString, plainly. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(Double.toString(v)).toPlainString();
    }
}
