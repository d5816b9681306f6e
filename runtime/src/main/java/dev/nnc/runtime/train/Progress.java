package dev.nnc.runtime.train;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The progress display of a training run, for people: nothing, plain lines, or a live status line
 * on a terminal.
 *
 * <p>{@code LINES} prints one line every {@code logEvery} epochs and at the last one, then a
 * summary:
 * <pre>
 * epoch  100/5000  loss 0.0123  val_loss 0.0131  val_r2 0.9712  4.2M samples/s
 * done: 5000 epochs in 3.20 s (training steps 2.80 s, 4.8M samples/s)
 * </pre>
 * The samples/s of an epoch line count the wall time of the epochs so far, their evaluations
 * included; the summary's count the training steps only, and it says so. A run that stops
 * before its last epoch says why first ({@code stopped early at epoch 58: val_loss did not
 * improve for 20 epochs (best 0.1234 at epoch 38); restored the weights of epoch 38}).
 *
 * <p>{@code LIVE} prints the same lines and, below them, a status line redrawn in place (carriage
 * return) at most 10 times a second: epoch, a bar of the epoch's batches, the epoch's mean batch
 * loss so far, the last accuracy or R² measured (validation first), samples/s and the time left
 * (once it can be told: {@link #etaKnown}); between batches it says what is going on
 * ({@link #onStatus}: compiling, loading, measuring). On a narrow terminal the bar shrinks, then
 * samples/s, the metric and the bar give way. It needs a terminal ({@code System.console()}
 * present, {@code TERM} not {@code dumb}) and falls back to {@code LINES} otherwise; it uses no
 * color when {@code NO_COLOR} is set, and fits in {@code COLUMNS} columns (80 when unset).
 */
public final class Progress implements TrainingListener {

    /** How much to show. */
    public enum Mode {
        /** Nothing. */
        QUIET,
        /** Plain lines; suits logs and pipes. */
        LINES,
        /** Plain lines plus a live status line on a terminal. */
        LIVE
    }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final String BOLD = "\033[1m";
    private static final String RESET = "\033[0m";
    /** The accuracy-like measures the live line shows, the most telling first. */
    private static final String[] QUALITY = {"val_accuracy", "val_r2", "accuracy", "r2"};

    private final PrintStream out;
    private final Mode mode;
    private final boolean color;
    private final int width;
    private final LongSupplier clock;

    private TrainInfo info;
    private long startNanos;
    private long lastDraw;
    private boolean statusShown;
    private int lastPrinted;
    private EpochRecord lastRecord;
    private double epochLossSum;
    private int epochBatches;
    private double elapsedSeconds;
    /** Epochs finished in this run, and the first epoch it trained (later than 1 when resumed). */
    private int epochsRun;
    private int firstEpoch;
    private String qualityName;
    private double quality;
    private int lastEpoch;
    private boolean ended;

    /** A display on {@code out} (the CLI uses stderr); {@code LIVE} checks for a terminal. */
    public Progress(PrintStream out, Mode mode) {
        this(out, mode, isTerminal(), System.getenv(), System::nanoTime);
    }

    /**
     * A display on {@code out} that reads {@code NO_COLOR}, {@code COLUMNS} and {@code TERM} from
     * {@code env} instead of the process's environment (the CLI passes {@code COLUMNS} read from
     * the terminal when the shell does not export it).
     */
    public Progress(PrintStream out, Mode mode, Map<String, String> env) {
        this(out, mode, isTerminal(), env, System::nanoTime);
    }

    /** For tests: the terminal check, environment and clock given. */
    Progress(PrintStream out, Mode mode, boolean terminal, Map<String, String> env,
            LongSupplier clock) {
        this.out = out;
        String term = env.get("TERM");
        boolean live = terminal && !"dumb".equals(term);
        this.mode = mode == Mode.LIVE && !live ? Mode.LINES : mode;
        this.color = env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty();
        this.width = columns(env.get("COLUMNS"));
        this.clock = clock;
    }

    private static boolean isTerminal() {
        return System.console() != null;
    }

    private static int columns(String s) {
        if (s != null) {
            try {
                int c = Integer.parseInt(s.strip());
                if (c >= 20 && c <= 1000) {
                    return c;
                }
            } catch (NumberFormatException e) {
                // fall through to the default
            }
        }
        return 80;
    }

    /** The mode in effect: {@code LIVE} becomes {@code LINES} when not on a terminal. */
    public Mode mode() {
        return mode;
    }

    @Override
    public void onStart(TrainInfo i) {
        this.info = i;
        this.startNanos = clock.getAsLong();
        this.lastDraw = startNanos;
        this.lastPrinted = 0;
        this.lastRecord = null;
        this.elapsedSeconds = 0;
        this.epochsRun = 0;
        this.firstEpoch = 0;
        this.epochLossSum = 0;
        this.epochBatches = 0;
        this.qualityName = null;
        this.lastEpoch = 0;
        this.ended = false;
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double loss) {
        if (mode != Mode.LIVE) {
            return;
        }
        epochLossSum += loss;
        epochBatches++;
        if (firstEpoch == 0) {
            firstEpoch = epoch;
        }
        lastEpoch = epoch;
        long now = clock.getAsLong();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawStatus(epoch, batch, batches, now);
    }

    @Override
    public void onEpoch(EpochRecord r) {
        lastRecord = r;
        for (String q : QUALITY) {
            if (r.metrics().containsKey(q)) {
                qualityName = q;
                quality = r.metric(q);
                break;
            }
        }
        elapsedSeconds += r.seconds();
        epochsRun++;
        epochLossSum = 0;
        epochBatches = 0;
        if (mode == Mode.QUIET || info == null) {
            return;
        }
        if (r.epoch() % info.logEvery() == 0 || r.epoch() == info.epochs()) {
            printLine(r);
        }
    }

    @Override
    public void onEnd(TrainReport report) {
        ended = true;
        if (mode == Mode.QUIET || info == null) {
            return;
        }
        if (lastRecord != null && lastPrinted != lastRecord.epoch()) {
            printLine(lastRecord);
        }
        clearStatus();
        out.println(summary(report));
        out.flush();
    }

    private void printLine(EpochRecord r) {
        clearStatus();
        out.println(line(r));
        out.flush();
        lastPrinted = r.epoch();
    }

    /** The plain line for one epoch. */
    String line(EpochRecord r) {
        Map<String, Double> m = r.metrics();
        StringBuilder sb = new StringBuilder();
        int digits = Integer.toString(info.epochs()).length();
        sb.append("epoch ").append(pad(Integer.toString(r.epoch()), digits))
                .append('/').append(info.epochs());
        Double loss = m.containsKey("loss") ? m.get("loss") : m.get("train_loss");
        sb.append("  loss ").append(number(loss));
        String q = m.containsKey("accuracy") || m.containsKey("val_accuracy") ? "accuracy"
                : "r2";
        if (m.containsKey("val_loss")) {
            sb.append("  val_loss ").append(number(m.get("val_loss")));
            if (m.containsKey("val_" + q)) {
                sb.append("  val_").append(q).append(' ').append(number(m.get("val_" + q)));
            }
        } else if (m.containsKey(q)) {
            sb.append("  ").append(q).append(' ').append(number(m.get(q)));
        }
        if (elapsedSeconds > 0) {
            double rate = (double) epochsRun * info.trainSize() / elapsedSeconds;
            sb.append("  ").append(rate(rate)).append(" samples/s");
        }
        return sb.toString();
    }

    /**
     * The closing lines: why training stopped, when it stopped before its last epoch, then the
     * time and the speed of the training steps.
     */
    String summary(TrainReport r) {
        String steps = String.format(Locale.ROOT, "training steps %.2f s, ", r.stepSeconds())
                + rate(r.samplesPerSecond()) + " samples/s";
        String done = "done: " + r.epochs() + (r.epochs() == 1 ? " epoch" : " epochs") + " in "
                + String.format(Locale.ROOT, "%.2f s", r.seconds()) + " (" + steps + ")";
        String restored = r.restoredEpoch() > 0
                ? "; restored the weights of epoch " + r.restoredEpoch() : "";
        if (r.diverged()) {
            String why = r.stopReason() != null ? r.stopReason()
                    : "the training loss is " + number(r.last().metric("train_loss"));
            return "diverged at epoch " + r.epochs() + ": " + why
                    + " (try a smaller learning rate)";
        }
        if (r.interrupted()) {
            return r.epochs() == 0 ? "interrupted before the first epoch ended"
                    : "interrupted after epoch " + r.epochs() + ", the last complete one"
                            + restored + "\n" + done;
        }
        if (r.stoppedEarly()) {
            String why = r.stopReason() != null ? r.stopReason()
                    : info.stop() != null ? info.stop() + " holds" : "early stopping";
            return "stopped early at epoch " + r.epochs() + ": " + why + restored + "\n" + done;
        }
        return done + (restored.isEmpty() ? "" : "\n" + restored.substring(2));
    }

    /**
     * Says what is going on between batches (compiling, loading, measuring) on the live status
     * line; before the first epoch and after the last one always, during training at most 10
     * times a second. Plain lines show nothing of it.
     */
    @Override
    public void onStatus(String what) {
        if (mode != Mode.LIVE) {
            return;
        }
        long now = clock.getAsLong();
        boolean training = info != null && !ended;
        if (training && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String text = training && lastEpoch > 0
                ? "epoch " + lastEpoch + "/" + info.epochs() + "  " + what + "..." : what + "...";
        int room = width - 1;
        if (text.length() > room) {
            text = text.substring(0, room);
        }
        out.print("\r" + text + " ".repeat(room - text.length()));
        out.flush();
        statusShown = true;
    }

    /** Clears the live status line, if one is shown (call before printing the results). */
    public void finish() {
        clearStatus();
        out.flush();
    }

    /**
     * Whether the time left can be told yet: once the run has gone on for 1 s and done 2 % of
     * its batches, or has gone on for 30 s. Earlier, the speed of the first batches (the JIT
     * compiler still at work) would make the estimate wrong by far.
     */
    static boolean etaKnown(double elapsedSeconds, double done) {
        return elapsedSeconds >= 1 && done >= 0.02 || elapsedSeconds >= 30;
    }

    private void drawStatus(int epoch, int batch, int batches, long now) {
        double elapsed = (now - startNanos) * 1e-9;
        // a resumed run starts at a later epoch: rate and time left count this run's epochs only
        int first = firstEpoch == 0 ? epoch : firstEpoch;
        double done = (epoch - first + (batch + 1.0) / batches) / (info.epochs() - first + 1);
        long samples = (long) (epoch - first) * info.trainSize()
                + Math.min((long) (batch + 1) * info.batchSize(), info.trainSize());
        int digits = Integer.toString(info.epochs()).length();
        String head = "epoch " + pad(Integer.toString(epoch), digits) + "/" + info.epochs();
        String pct = String.format(Locale.ROOT, " %3d%%", (batch + 1) * 100 / batches);
        String loss = epochBatches > 0 ? "  loss " + number(epochLossSum / epochBatches) : "";
        String metric = qualityName != null ? "  " + qualityName + " " + number(quality) : "";
        String speed = elapsed > 0 ? "  " + rate(samples / elapsed) + " samples/s" : "";
        String eta = done > 0 && etaKnown(elapsed, done)
                ? "  ETA " + clockTime(elapsed * (1 - done) / done) : "";
        // NOTE: on a narrow terminal the parts go in this order: the bar shrinks to 5 columns,
        // then samples/s, the metric and the bar are dropped; what is left is cut at the width.
        int room = width - 1;
        String[] tails = {pct + loss + metric + speed + eta, pct + loss + metric + eta,
            pct + loss + eta};
        String plain = null;
        for (String tail : tails) {
            int barWidth = Math.min(30, room - head.length() - 3 - tail.length());
            if (barWidth >= 5) {
                int filled = (int) ((long) barWidth * (batch + 1) / batches);
                StringBuilder bar = new StringBuilder(" [");
                for (int i = 0; i < barWidth; i++) {
                    bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
                }
                plain = head + bar.append(']') + tail;
                break;
            }
        }
        if (plain == null) {
            plain = head + pct + loss + eta;
        }
        if (plain.length() > room) {
            plain = plain.substring(0, room);
        }
        String shown = color && plain.startsWith(head)
                ? BOLD + head + RESET + plain.substring(head.length()) : plain;
        out.print("\r" + shown + " ".repeat(room - plain.length()));
        out.flush();
        statusShown = true;
    }

    private void clearStatus() {
        if (statusShown) {
            out.print("\r" + " ".repeat(width - 1) + "\r");
            statusShown = false;
        }
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    /** A metric with 4 significant digits: {@code 0.0123}, {@code 0.9712}, {@code 380.6}. */
    static String number(Double v) {
        if (v == null || v.isNaN()) {
            return "nan";
        }
        if (v.isInfinite()) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e-4 && a < 1e6) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** A rate with a unit prefix: {@code 4.2M}, {@code 850.0k}, {@code 12}. */
    static String rate(double r) {
        if (r >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", r / 1e9);
        }
        if (r >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", r / 1e6);
        }
        if (r >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", r / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", r);
    }

    private static String clockTime(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
