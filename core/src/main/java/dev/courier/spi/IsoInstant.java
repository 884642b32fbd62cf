package dev.courier.spi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A message's timestamp as ISO-8601 text ({@code 2026-01-31T12:00:00.123456Z}), written and read without
 * {@code DateTimeFormatter}, for transports and stores that carry it as text (RabbitMQ's {@code courier-timestamp}
 * header, the JDBC outbox's {@code message_timestamp} column). {@link Instant#toString} and {@link Instant#parse} go
 * through the formatter machinery and cost microseconds: on a consumer that was over a third of the pump thread's
 * time per message, and reading claimed outbox rows back was over a quarter of the sweeper's (see
 * docs/benchmarks.md). The text is the same as {@link Instant#toString}'s for years 0000 to 9999 (fraction in groups
 * of three digits, none when zero); other years, and any text not in the plain {@code yyyy-MM-ddTHH:mm:ss[.f]Z}
 * form (offsets, leap seconds, signs), go to the JDK's own methods, so what is accepted is exactly what
 * {@link Instant#parse} accepts.
 */
public final class IsoInstant {
    private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
    private static final int SECONDS_PER_DAY = 86_400;

    private IsoInstant() {}

    /** What {@link Instant#toString} returns for {@code instant}. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
            return instant.toString();
        }
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] out = new char[30];
        int at = digits(out, 0, date.getYear(), 4);
        out[at++] = '-';
        at = digits(out, at, date.getMonthValue(), 2);
        out[at++] = '-';
        at = digits(out, at, date.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = digits(out, at, secondOfDay / 3600, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay / 60 % 60, 2);
        out[at++] = ':';
        at = digits(out, at, secondOfDay % 60, 2);
        int nano = instant.getNano();
        if (nano != 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = digits(out, at, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                at = digits(out, at, nano / 1000, 6);
            } else {
                at = digits(out, at, nano, 9);
            }
        }
        out[at++] = 'Z';
        return new String(out, 0, at);
    }

    /**
     * The instant {@code text} names, as {@link Instant#parse} reads it.
     *
     * @throws DateTimeException when it is not an ISO-8601 instant
     */
    public static Instant parse(CharSequence text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || !separators(text)) {
            return Instant.parse(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int nano = 0;
        if (length > 20) {
            int fraction = length - 21;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return Instant.parse(text);
            }
            nano = number(text, 20, fraction);
            for (int i = fraction; i < 9 && nano >= 0; i++) {
                nano *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | nano) < 0 || hour > 23 || minute > 59 || second > 59) {
            return Instant.parse(text); // not plain digits, or a leap second: the JDK decides (and explains)
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay(); // checks the month and the day of month
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nano);
    }

    private static boolean separators(CharSequence text) {
        return text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':'
                && text.charAt(16) == ':';
    }

    /** The decimal number of {@code count} digits at {@code from}, or -1 when one of them is not a digit. */
    private static int number(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int digits(char[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + count;
    }
}
