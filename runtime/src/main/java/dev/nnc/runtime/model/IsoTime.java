package dev.nnc.runtime.model;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * ISO dates and date-times as the time column of a series and its {@code from}/{@code to}
 * bounds: each is held as seconds since 1970-01-01T00:00 (no time zone), so that dates compare
 * and order as numbers.
 *
 * <p>Example: {@code 1958-03-29} and {@code 1958-03-29T00:00} are both {@code -371174400};
 * {@code 1958-03-29 12:00:00} is 43200 seconds later. {@link #format} gives back
 * {@code 1958-03-29} for a midnight and {@code 1958-03-29T12:00} otherwise.
 */
public final class IsoTime {
    private IsoTime() {
    }

    /** The seconds of {@code text} (a date, or a date and time with 'T' or a space), else null. */
    public static Double parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.length() < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return null;
        }
        try {
            if (s.length() == 10) {
                return (double) LocalDate.parse(s).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            }
            char sep = s.charAt(10);
            if (sep != 'T' && sep != ' ') {
                return null;
            }
            String iso = s.substring(0, 10) + "T" + s.substring(11);
            return (double) LocalDateTime.parse(iso).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code seconds} as an ISO date (at midnight) or date-time. */
    public static String format(double seconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond((long) Math.floor(seconds), 0,
                ZoneOffset.UTC);
        return t.toLocalTime().toSecondOfDay() == 0 ? t.toLocalDate().toString() : t.toString();
    }
}
