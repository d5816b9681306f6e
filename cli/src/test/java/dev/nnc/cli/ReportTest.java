package dev.nnc.cli;

import static dev.nnc.cli.MainTest.nnc;
import static dev.nnc.cli.MainTest.res;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nnc.cli.MainTest.Run;
import dev.nnc.cli.report.History;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code nnc train --report}, {@code nnc report} and {@code nnc graph}: the files they write and
 * what the page holds, and the page as headless Chromium shows it.
 */
class ReportTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The pictures of what the layers see, which only nnc train --report draws. */
    static final String[] LAYERS = {"activations.png", "weights.png", "gradients.png"};

    @TempDir
    Path dir;

    /** The repository's examples directory (tests run in cli/). */
    static Path examples() {
        Path p = Path.of("").toAbsolutePath().getParent().resolve("examples");
        assumeTrue(Files.isDirectory(p), "no examples directory at " + p);
        return p;
    }

    /** Asserts {@code p} is a PNG image of at least the given size and a sensible file size. */
    static BufferedImage assertPng(Path p, int minW, int minH) throws IOException {
        assertTrue(Files.isRegularFile(p), p + " missing");
        byte[] b = Files.readAllBytes(p);
        assertTrue(b.length > 2_000 && b.length < 2_000_000, p + ": " + b.length + " bytes");
        assertTrue(Arrays.equals(PNG_MAGIC, Arrays.copyOf(b, 8)), p + " is not a PNG");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
        assertNotNull(img, p + " does not decode");
        assertTrue(img.getWidth() >= minW && img.getHeight() >= minH,
                p + ": " + img.getWidth() + "x" + img.getHeight());
        // a drawn chart is not one flat color
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < img.getHeight() && !varied; y += 7) {
            for (int x = 0; x < img.getWidth() && !varied; x += 7) {
                varied = img.getRGB(x, y) != first;
            }
        }
        assertTrue(varied, p + " is blank");
        return img;
    }

    /** The image files the page references, in order. */
    static List<String> imagesOf(String html) {
        List<String> l = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            l.add(m.group(1));
        }
        return l;
    }

    /** The value in the page's table row {@code <th>key</th><td>value</td>}. */
    static String cell(String html, String key) {
        Matcher m = Pattern.compile("<tr><th>" + Pattern.quote(key) + "</th><td>([^<]*)</td>")
                .matcher(html);
        return m.find() ? m.group(1) : null;
    }

    /** The value of a row of the final metrics table nnc train prints. */
    static String printed(String out, String key) {
        for (String line : out.split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length == 2 && w[0].equals(key)) {
                return w[1];
            }
        }
        return null;
    }

    private static void assertReport(Path rep, List<String> expected, List<String> absent)
            throws IOException {
        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        assertEquals(expected, imagesOf(html), "images of the page");
        for (String png : expected) {
            BufferedImage img = assertPng(rep.resolve(png), png.equals("lr.png") ? 600 : 400,
                    200);
            // drawn at twice the size the page shows it, for sharp text
            Matcher m = Pattern.compile("<img src=\"" + Pattern.quote(png)
                    + "\" width=\"(\\d+)\" height=\"(\\d+)\"").matcher(html);
            assertTrue(m.find(), png);
            assertEquals(2 * Integer.parseInt(m.group(1)), img.getWidth(), png);
            assertEquals(2 * Integer.parseInt(m.group(2)), img.getHeight(), png);
        }
        for (String png : absent) {
            assertFalse(Files.exists(rep.resolve(png)), png + " should not be there");
        }
        assertTrue(html.contains("<table class=\"num\" id=\"summary\">"), "summary table");
        assertTrue(html.contains("<table class=\"kv\" id=\"metrics\">"), "metrics table");
        assertTrue(html.contains("<table class=\"kv\" id=\"settings\">"), "settings table");
    }

    @Test
    void trainWithReportOfABinaryClassifier() throws IOException {
        Path w = dir.resolve("w/xor.safetensors");
        Path rep = dir.resolve("rep");
        Run r = nnc("train", res("xor.nn"), "--quiet", "--out", w.toString(), "--threads", "1",
                "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("history saved to " + dir.resolve("w/xor.history.csv")),
                r.out());
        assertTrue(r.out().contains("report written to " + rep.resolve("index.html")), r.out());
        assertReport(rep, List.of("regions.png", "confusion.png", "loss.png",
                "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2], "model.png"),
                List.of("fit.png", "test.png"));

        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        // the final metrics as nnc train printed them
        for (String k : List.of("final_loss", "epochs_run", "train_accuracy", "test_loss",
                "test_accuracy", "seed")) {
            assertEquals(printed(r.out(), k), cell(html, k), k + " in the page");
        }
        assertEquals("42", cell(html, "seed"));
        assertEquals("1", cell(html, "threads"));
        assertEquals("sgd(lr: 0.5)", cell(html, "optimizer"));
        assertEquals("0.5", cell(html, "learning rate"));
        assertTrue(cell(html, "epochs").matches("\\d+ of 5000 \\(stopped early\\)"),
                cell(html, "epochs"));
        assertTrue(cell(html, "time").matches("\\d+\\.\\d\\d s"), cell(html, "time"));
        assertNotNull(cell(html, "samples/s"));
        // the layer table and the per-class figures
        assertTrue(html.contains("<td>dense1</td><td>dense(2)</td><td>[2]</td><td>6</td>"),
                html);
        assertTrue(html.contains("<td>dense2</td><td>dense(1)</td><td>[1]</td><td>3</td>"),
                html);
        assertTrue(html.contains("<th>precision</th><th>recall</th><th>F1</th>"), html);
        assertTrue(html.contains("<tr><th>macro mean</th>"), html);
        assertEquals("none", cell(html, "preprocessing"));
        assertTrue(html.contains("data-images-loaded"), "the load check script");

        // one history row per epoch, the lr column constant
        History h = History.read(dir.resolve("w/xor.history.csv"));
        assertEquals(List.of("epoch", "train_loss", "loss", "accuracy", "lr", "seconds"),
                h.columns());
        assertEquals(Integer.parseInt(printed(r.out(), "epochs_run")), h.rows().size());
        assertTrue(Arrays.stream(h.values("lr")).allMatch(v -> v == 0.5));
        assertTrue(Arrays.stream(h.values("train_loss")).noneMatch(Double::isNaN));
    }

    @Test
    void trainWithReportOfARegressionWithOneInputAndOneOutput() throws IOException {
        Path rep = dir.resolve("rep");
        Run r = nnc("train", res("line.nn"), "--quiet", "--out",
                dir.resolve("line.safetensors").toString(), "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertReport(rep, List.of("fit.png", "test.png", "predicted.png", "residuals.png",
                "loss.png", "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2],
                "model.png"), List.of("regions.png", "confusion.png", "series.png"));
        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        assertEquals(printed(r.out(), "test_r2"), cell(html, "test_r2"));
    }

    @Test
    void trainWithReportOfAThreeClassModel() throws IOException {
        Path rep = dir.resolve("rep");
        Run r = nnc("train", res("three.nn"), "--quiet", "--out",
                dir.resolve("three.safetensors").toString(), "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertReport(rep, List.of("regions.png", "confusion.png", "loss.png",
                "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2], "model.png"),
                List.of("fit.png"));
        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        // the classes as the data labels them: 1, 2, 3 (30 test samples)
        for (String c : List.of("1", "2", "3")) {
            assertTrue(html.contains("<tr><td>" + c + "</td>"), c + "\n" + html);
        }
        assertTrue(html.contains("<tr><th>all</th><td>30</td>"), html);
    }

    @Test
    void reportAfterTheFactFromWeightsAndHistory() throws IOException {
        Path w = dir.resolve("three.safetensors");
        Run t = nnc("train", res("three.nn"), "--quiet", "--out", w.toString(), "--epochs", "40",
                "--seed", "5");
        assertEquals(0, t.code(), t.all());
        Path rep = dir.resolve("later");
        Run r = nnc("report", res("three.nn"), "--weights", w.toString(), "--history",
                dir.resolve("three.history.csv").toString(), "-o", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals("report written to " + rep.resolve("index.html") + "\n", r.out());
        assertReport(rep, List.of("regions.png", "confusion.png", "loss.png",
                "metric.png", "lr.png", "model.png"), List.of());
        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        // the figures of the training run, saved in the weights
        assertEquals("40", cell(html, "epochs_run"));
        assertEquals(printed(t.out(), "test_accuracy"), cell(html, "test_accuracy"));
        assertEquals("5", cell(html, "seed"));
        assertEquals("40 of 40", cell(html, "epochs"));
        assertEquals("90", cell(html, "training samples"));
        // the time from the history, the weights keep no timings
        assertTrue(cell(html, "time").matches("\\d+\\.\\d\\d s"), cell(html, "time"));
        assertNotNull(cell(html, "train_seconds"));
        assertNotNull(cell(html, "samples_per_s"));
    }

    @Test
    void reportWithoutHistoryHasNoCurves() throws IOException {
        Path w = dir.resolve("xor.safetensors");
        assertEquals(0, nnc("train", res("xor.nn"), "--quiet", "--out", w.toString(),
                "--epochs", "20").code());
        Files.delete(dir.resolve("xor.history.csv"));
        Path rep = dir.resolve("rep");
        Run r = nnc("report", res("xor.nn"), "-w", w.toString(), "-o", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.err().contains("nnc: note: no history"), r.err());
        assertReport(rep, List.of("regions.png", "confusion.png", "model.png"),
                List.of("loss.png"));
    }

    @Test
    void reportErrors() {
        Run r = nnc("report", res("xor.nn"), "-w", dir.resolve("none.safetensors").toString(),
                "-o", dir.toString());
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("no such weights file"), r.err());
        r = nnc("report", res("xor.nn"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("Missing required option: '--output=DIR'"), r.err());
    }

    @Test
    void badHistoryFileIsAUserError() throws IOException {
        Path w = dir.resolve("xor.safetensors");
        assertEquals(0, nnc("train", res("xor.nn"), "--quiet", "--out", w.toString(),
                "--epochs", "5").code());
        Path h = dir.resolve("bad.csv");
        Files.writeString(h, "epoch,train_loss\n1,0.5\n2,abc\n");
        Run r = nnc("report", res("xor.nn"), "-w", w.toString(), "--history", h.toString(), "-o",
                dir.resolve("rep").toString());
        assertEquals(1, r.code(), r.all());
        assertEquals("nnc: error: " + h + ":3: column 'train_loss': 'abc' is not a number\n",
                r.err());
    }

    @Test
    void historyRoundTrip() throws IOException {
        History h = new History(List.of("epoch", "train_loss", "val_loss", "lr", "seconds"),
                List.of(new double[] {1, 0.693412345, Double.NaN, 0.1, 0.00121},
                        new double[] {2, 1.23456789e-7, 0.5, 0.1, 12.5}));
        assertEquals("epoch,train_loss,val_loss,lr,seconds\n1,0.693412,,0.1,0.00121\n"
                + "2,1.23457e-7,0.5,0.1,12.5\n", h.toCsv());
        Path p = dir.resolve("h.csv");
        h.write(p);
        History back = History.read(p);
        assertEquals(h.columns(), back.columns());
        assertEquals(0.693412, back.rows().get(0)[1]);
        assertTrue(Double.isNaN(back.rows().get(0)[2]));
        assertEquals(1.23457e-7, back.rows().get(1)[1]);
        assertEquals(Path.of("runs/m.history.csv"), History.pathFor(Path.of(
                "runs/m.safetensors")));
    }

    // ---- nnc graph

    @Test
    void graphWritesSvg() throws Exception {
        Path svg = dir.resolve("g/model.svg");
        Run r = nnc("graph", res("three.nn"), "-o", svg.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(svg + "\n", r.out());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        String text = Files.readString(svg);
        assertTrue(text.contains(">dense1  dense(3)</text>"), text);
        assertTrue(text.contains(">out [3]  ·  9 params  ·  15 FLOPs</text>"), text);
        assertTrue(text.contains(">softmax1  softmax</text>"), text);
        assertTrue(text.contains(">loss cross_entropy</text>"), text);
        assertTrue(text.contains(">min-max (x − min) / range over 2 columns</text>"), text);
        assertEquals(5, doc.getElementsByTagName("rect").getLength() - 1,
                "input, preprocessing, 2 layers, loss");
    }

    @Test
    void graphWritesDotAndPngAndSvgToStdout() throws IOException {
        Path dot = dir.resolve("model.dot");
        assertEquals(0, nnc("graph", res("xor.nn"), "-o", dot.toString()).code());
        String d = Files.readString(dot);
        assertTrue(d.startsWith("digraph \"model Xor\" {\n"), d);
        assertEquals(5, d.split(" -> ", -1).length - 1, d);
        assertTrue(d.contains("n1 [label=\"dense1  dense(2)\\nout [2]  ·  6 params  ·  10 FLOPs\""),
                d);

        Path png = dir.resolve("model.png");
        assertEquals(0, nnc("graph", res("xor.nn"), "-o", png.toString()).code());
        assertPng(png, 400, 400);

        Run r = nnc("graph", res("xor.nn"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().startsWith("<svg "), r.out());
        r = nnc("graph", res("xor.nn"), "--format", "dot");
        assertTrue(r.out().startsWith("digraph "), r.out());
    }

    // ---- the textbook examples, a few epochs each

    @Test
    void sineExampleReportHasTheFitAndTestCurves() throws IOException {
        Path rep = dir.resolve("sine");
        Run r = nnc("train", examples().resolve("04-nonlinear-regression/sine.nn").toString(),
                "--quiet", "--epochs", "200", "--out", dir.resolve("sine.safetensors").toString(),
                "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertReport(rep, List.of("fit.png", "test.png", "predicted.png", "residuals.png",
                "loss.png", "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2],
                "model.png"), List.of("regions.png"));
        History h = History.read(dir.resolve("sine.history.csv"));
        assertEquals(List.of("epoch", "train_loss", "loss", "r2", "val_loss", "val_r2", "lr",
                "seconds"), h.columns());
        assertEquals(200, h.rows().size());
    }

    @Test
    void seriesExampleReportHasPredictedResidualsAndTheSeriesWithItsForecasts()
            throws Exception {
        Path rep = dir.resolve("sunspots");
        Run r = nnc("train", examples().resolve("09-rnn/sunspots-ar.nn").toString(), "--quiet",
                "--epochs", "20", "--out", dir.resolve("ss.safetensors").toString(), "--report",
                rep.toString());
        assertEquals(0, r.code(), r.all());
        // twelve inputs (a window of 12 years): no fitted curve, but every regression figure
        assertReport(rep, List.of("predicted.png", "residuals.png", "series.png", "loss.png",
                "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2], "model.png"),
                List.of("fit.png", "regions.png"));
        String html = Files.readString(rep.resolve("index.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<h3>Series and forecasts</h3>"), html);
        assertTrue(html.contains("Predicted against actual"), html);
        assertTrue(cell(html, "preprocessing").startsWith("min-max"), cell(html, "preprocessing"));
        // the metrics nnc train printed, MAE and MAPE among them
        for (String k : List.of("test_r2", "test_mae", "test_mape")) {
            assertNotNull(printed(r.out(), k), k + "\n" + r.out());
            assertEquals(printed(r.out(), k), cell(html, k), k + " in the page");
        }
        if (Files.isExecutable(CHROMIUM)) {
            String dom = assertLoadsInChromium(rep, 10);
            assertTrue(dom.contains("Series and forecasts"), "the series in the rendered page");
        }
    }

    @Test
    void ringsExampleReportHasTheDecisionRegionsOfThreeClasses() throws IOException {
        Path rep = dir.resolve("rings");
        Run r = nnc("train", examples().resolve("05-nonlinear-classification/rings.nn")
                .toString(), "--quiet", "--epochs", "600", "--out",
                dir.resolve("rings.safetensors").toString(), "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        assertReport(rep, List.of("regions.png", "confusion.png", "loss.png",
                "metric.png", "lr.png", LAYERS[0], LAYERS[1], LAYERS[2], "model.png"),
                List.of("fit.png"));
        // the three classes' pale region colors all appear in the regions chart
        BufferedImage img = ImageIO.read(rep.resolve("regions.png").toFile());
        long colors = Stream.of(0xc6dbef, 0xf6c4c4, 0xc7e9c0).filter(c -> {
            for (int y = 0; y < img.getHeight(); y += 3) {
                for (int x = 0; x < img.getWidth(); x += 3) {
                    if ((img.getRGB(x, y) & 0xffffff) == c) {
                        return true;
                    }
                }
            }
            return false;
        }).count();
        assertEquals(3, colors, "region colors seen");
    }

    // ---- the page in a browser

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Runs headless Chromium on {@code args}; returns stdout, stderr goes to {@code err}. */
    static String chromium(Path profile, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr",
                "--v=0"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * Opens the report in {@code rep} in headless Chromium: all {@code images} images load, no
     * error, nothing on the console. Returns the rendered DOM.
     */
    private String assertLoadsInChromium(Path rep, int images) throws Exception {
        String url = rep.resolve("index.html").toUri().toString();
        Path err = Files.createTempFile(dir, "chromium-dom", ".log");
        String dom = chromium(Files.createTempDirectory(dir, "profile"), err, "--dump-dom", url);
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), dom);
        String attrs = body.group(1);
        assertTrue(attrs.contains("data-images=\"" + images + "/" + images + "\""), attrs);
        assertTrue(attrs.contains("data-images-loaded=\"true\""), attrs);
        assertTrue(attrs.contains("data-errors=\"0\""), attrs);
        // the page logs nothing: any console message is a fault
        String log = Files.readString(err);
        assertFalse(log.contains(":CONSOLE"), log);
        return dom;
    }

    @Test
    void chromiumLoadsEveryImageOfTheReportWithoutErrors() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (Debian's chromium "
                + "package; .ci/run installs it): the browser check of the report is skipped");
        Path rep = dir.resolve("rings report");
        Run r = nnc("train", examples().resolve("05-nonlinear-classification/rings.nn")
                .toString(), "--quiet", "--epochs", "100", "--out",
                dir.resolve("rings.safetensors").toString(), "--report", rep.toString());
        assertEquals(0, r.code(), r.all());
        String url = rep.resolve("index.html").toUri().toString();
        String dom = assertLoadsInChromium(rep, 9);
        assertTrue(dom.contains("id=\"summary\""), "the summary table in the rendered page");

        Path shot = dir.resolve("screenshot.png");
        chromium(Files.createTempDirectory(dir, "profile"), dir.resolve("chromium-shot.log"),
                "--screenshot=" + shot, "--window-size=1200,2000", "--hide-scrollbars", url);
        BufferedImage img = assertPng(shot, 1200, 2000);
        assertEquals(1200, img.getWidth());
        // the charts are on the screenshot: many distinct colors, not an error page
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                seen.add(img.getRGB(x, y));
            }
        }
        assertTrue(seen.size() > 50, "colors on the screenshot: " + seen.size());
    }

    // ---- the terminal

    /**
     * nnc train on a real pseudo-terminal of 70 columns ({@code script} from util-linux), COLUMNS
     * not exported: the live line is drawn, bold, within the terminal's width.
     */
    @Test
    void liveLineOnATerminalFitsItsWidth() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "no " + script + " (util-linux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "stty cols 70; unset COLUMNS NO_COLOR; exec '" + java + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.nnc.cli.Main train '"
                + examples().resolve("05-nonlinear-classification/rings.nn") + "' --epochs 1500"
                + " --out '" + dir.resolve("r.safetensors") + "'";
        Process p = new ProcessBuilder(script.toString(), "-qec", cmd, "/dev/null")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> live = new ArrayList<>();
        for (String part : out.split("[\r\n]")) {
            if (part.contains("\033[1mepoch ")) {
                live.add(part);
            }
        }
        assertFalse(live.isEmpty(), "no live line in\n" + out);
        for (String l : live) {
            String plain = l.replace("\033[1m", "").replace("\033[0m", "");
            assertEquals(69, plain.length(), "'" + plain + "'");
            // NOTE: the time left shows once the run has gone on for 1 s (Progress.etaKnown)
            assertTrue(plain.matches("epoch +\\d+/1500 \\[[=> ]+\\] +\\d+%  loss .*?"
                    + "(  ETA \\d+:\\d\\d)? *"), plain);
        }
        // the plain lines and the final table are there too
        assertTrue(out.contains("epoch  500/1500  loss "), out);
        assertTrue(out.contains("test_accuracy"), out);
    }

    @Test
    void everyNewCommandHasHelpWithExamples() {
        for (String c : List.of("report", "graph")) {
            Run r = nnc(c, "--help");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("Examples:"), r.out());
        }
        Run r = nnc(Map.of(), "train", "--help");
        assertTrue(r.out().contains("--report=DIR"), r.out());
    }
}
