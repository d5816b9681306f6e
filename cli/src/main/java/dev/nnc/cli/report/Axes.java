package dev.nnc.cli.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.DateFormat;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickUnitSource;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * The axes of the report's charts, made so that a reader sees the data and not the axis's
 * quirks: whole-number epoch ticks, value ranges that do not zoom into rounding noise, and tick
 * labels as plain numbers ({@code 0.001}, {@code 0.02}), never {@code 1E-1} or {@code 10^-1.1}.
 *
 * <p>Example: a constant learning rate 0.01 stored as 0.009999999776 (a float) gets the range
 * [0, 0.02] with ticks 0, 0.005, 0.01, 0.015, 0.02, not a span of 1e-9 with labels
 * {@code 1.000001E-2}.
 */
final class Axes {
    /** A range's span at least this fraction of its largest magnitude (see {@link #span}). */
    static final double MIN_RELATIVE_SPAN = 0.2;

    private Axes() {
    }

    /** A value axis: its lower and upper bound. */
    record Range(double lower, double upper) {
    }

    /** An epoch axis from {@code first} to {@code last} with whole-number ticks only. */
    static NumberAxis epochs(String label, double first, double last) {
        NumberAxis x = new NumberAxis(label);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        double pad = Math.max(0.5, (last - first) * 0.02);
        x.setRange(first - pad, last + pad);
        return x;
    }

    /** Ticks a linear axis aims at: enough to read values off, few enough to read at a glance. */
    static final int TICKS = 10;

    /**
     * A linear axis over {@code r} with plain-number tick labels, about {@link #TICKS} of them
     * at a 1, 2 or 5 × 10^k step.
     */
    static NumberAxis linear(String label, Range r) {
        NumberAxis a = new NumberAxis(label);
        a.setStandardTickUnits(plainUnits());
        a.setAutoRangeIncludesZero(false);
        a.setRange(r.lower(), r.upper());
        double step = step(r.upper() - r.lower());
        if (step > 0) {
            a.setTickUnit(new NumberTickUnit(step, new PlainFormat()));
        }
        return a;
    }

    /** The smallest of 1, 2, 5 × 10^k that cuts {@code span} into at most {@link #TICKS}. */
    static double step(double span) {
        if (!(span > 0) || !Double.isFinite(span)) {
            return 0;
        }
        double raw = span / TICKS;
        int e = (int) Math.floor(Math.log10(raw));
        for (int i = e; i <= e + 1; i++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = BigDecimal.valueOf(m).scaleByPowerOfTen(i).doubleValue();
                if (v >= raw) {
                    return v;
                }
            }
        }
        return BigDecimal.TEN.scaleByPowerOfTen(e + 1).doubleValue();
    }

    /**
     * The range that shows values {@code min..max} without zooming into noise: at least
     * {@link #MIN_RELATIVE_SPAN} of the largest magnitude wide (1 when every value is 0), centred
     * on the values, with 5 % margins, and kept within {@code [floor, ceiling]} (use infinities
     * for none).
     */
    static Range span(double min, double max, double floor, double ceiling) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            min = Double.isFinite(floor) ? floor : 0;
            max = Double.isFinite(ceiling) ? ceiling : 1;
        }
        double mag = Math.max(Math.abs(min), Math.abs(max));
        double need = mag == 0 ? 1 : mag * MIN_RELATIVE_SPAN;
        double lo = min;
        double hi = max;
        if (hi - lo < need) {
            double mid = (lo + hi) / 2;
            lo = mid - need / 2;
            hi = mid + need / 2;
        }
        double m = (hi - lo) * 0.05;
        lo = Math.max(floor, lo - m);
        hi = Math.min(ceiling, hi + m);
        if (hi - lo < need && Double.isFinite(floor) && lo == floor) {
            hi = Math.min(ceiling, lo + need);
        }
        if (hi - lo < need && Double.isFinite(ceiling) && hi == ceiling) {
            lo = Math.max(floor, hi - need);
        }
        return new Range(lo, hi);
    }

    /**
     * The range of values {@code min..max} with 2 % margins, for a position such as a time or
     * an epoch, where the distance from 0 means nothing; 1 wide when all values are one.
     */
    static Range along(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            return new Range(0, 1);
        }
        if (max - min <= 0) {
            return new Range(min - 0.5, max + 0.5);
        }
        double m = (max - min) * 0.02;
        return new Range(min - m, max + m);
    }

    /**
     * A time axis over {@code r} of {@link dev.nnc.runtime.model.IsoTime} seconds (a column of
     * ISO dates), its ticks labelled as ISO dates in UTC: {@code 1990} at a step of years,
     * {@code 1990-07} at months, {@code 1990-07-15} at days, {@code 1990-07-15 06:00} below. The
     * axis's values are milliseconds, as JFreeChart counts time: plot {@code seconds * 1000}.
     */
    static DateAxis dates(String label, Range r) {
        TimeZone utc = TimeZone.getTimeZone("UTC");
        DateAxis a = new DateAxis(label, utc, Locale.ROOT);
        TickUnits units = new TickUnits();
        DateFormat year = iso("yyyy", utc);
        DateFormat month = iso("yyyy-MM", utc);
        DateFormat day = iso("yyyy-MM-dd", utc);
        DateFormat time = iso("yyyy-MM-dd HH:mm", utc);
        for (int n : new int[] {1, 5, 15, 30}) {
            units.add(new DateTickUnit(DateTickUnitType.MINUTE, n, time));
        }
        for (int n : new int[] {1, 3, 6, 12}) {
            units.add(new DateTickUnit(DateTickUnitType.HOUR, n, time));
        }
        for (int n : new int[] {1, 2, 7, 14}) {
            units.add(new DateTickUnit(DateTickUnitType.DAY, n, day));
        }
        for (int n : new int[] {1, 2, 3, 6}) {
            units.add(new DateTickUnit(DateTickUnitType.MONTH, n, month));
        }
        for (int n : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500}) {
            units.add(new DateTickUnit(DateTickUnitType.YEAR, n, year));
        }
        a.setStandardTickUnits(units);
        a.setRange(r.lower() * 1000, r.upper() * 1000);
        return a;
    }

    private static DateFormat iso(String pattern, TimeZone zone) {
        SimpleDateFormat f = new SimpleDateFormat(pattern, Locale.ROOT);
        f.setTimeZone(zone);
        return f;
    }

    /** Standard tick sizes 1, 2, 2.5, 5 × 10^k, each labelled as a plain number. */
    static TickUnitSource plainUnits() {
        TickUnits units = new TickUnits();
        NumberFormat f = new PlainFormat();
        for (int e = -12; e <= 12; e++) {
            for (double m : new double[] {1, 2, 2.5, 5}) {
                units.add(new NumberTickUnit(BigDecimal.valueOf(m).scaleByPowerOfTen(e)
                        .doubleValue(), f));
            }
        }
        return units;
    }

    /**
     * A number the short, plain way: 4 significant digits, no float noise, scientific only below
     * 1e-6 or from 1e7: {@code 0.001}, {@code 0.025}, {@code 1500}, {@code 2e-07}.
     */
    static String plain(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        double a = Math.abs(v);
        BigDecimal b = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        if (a >= 1e-6 && a < 1e7) {
            return b.toPlainString();
        }
        DecimalFormat sci = new DecimalFormat("0.###E00", DecimalFormatSymbols.getInstance(
                Locale.ROOT));
        return sci.format(v).replace("E", "e");
    }

    /** {@link #plain} as a {@link NumberFormat}, for JFreeChart's tick units. */
    static final class PlainFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append(plain(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(number);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            return null;
        }
    }

    /**
     * A log axis whose ticks sit at 1, 2 and 5 × 10^k (only the powers of ten over a wide range)
     * and read as plain numbers, e.g. {@code 0.05 0.1 0.2 0.5}, never {@code 10^-1.1}.
     */
    static final class PlainLogAxis extends LogAxis {
        private static final long serialVersionUID = 1L;

        PlainLogAxis(String label, double min, double max) {
            super(label);
            double lo = Math.pow(10, Math.floor(Math.log10(min) * 20) / 20 - 0.05);
            double hi = Math.pow(10, Math.ceil(Math.log10(max) * 20) / 20 + 0.05);
            setSmallestValue(lo / 10);
            setRange(lo, hi);
        }

        /** The tick values within the axis range. */
        List<Double> tickValues() {
            double lo = getLowerBound();
            double hi = getUpperBound();
            double decades = Math.log10(hi / lo);
            double[] mantissas = decades <= 2.5 ? new double[] {1, 2, 5} : new double[] {1};
            int step = decades <= 8 ? 1 : (int) Math.ceil(decades / 8);
            List<Double> v = new ArrayList<>();
            for (int e = (int) Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi));
                    e += step) {
                for (double m : mantissas) {
                    double t = BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue();
                    if (t >= lo && t <= hi) {
                        v.add(t);
                    }
                }
            }
            if (v.size() < 2) {
                // a narrow range: every 1..9 × 10^k inside it
                v.clear();
                for (int e = (int) Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi));
                        e++) {
                    for (int m = 1; m <= 9; m++) {
                        double t = BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue();
                        if (t >= lo && t <= hi) {
                            v.add(t);
                        }
                    }
                }
            }
            return v;
        }

        @Override
        protected List<Tick> refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea,
                RectangleEdge edge) {
            List<Tick> ticks = new ArrayList<>();
            TextAnchor anchor = edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT
                    : TextAnchor.CENTER_LEFT;
            for (double t : tickValues()) {
                ticks.add(new NumberTick(t, plain(t), anchor, TextAnchor.CENTER, 0));
            }
            return ticks;
        }
    }
}
