package io.streamscale.tags;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The complex job's event time: an event's {@code createdAt} (RFC 3339) in epoch milliseconds.
 * The generator's {@code 2026-11-29T21:38:50.123456Z} form is parsed by hand, without
 * allocating; any other RFC 3339 form (an offset, fewer digits) through {@code java.time}.
 */
final class EventTime {
    /** What {@link #parse} returns for text that is not an RFC 3339 date-time. */
    static final long INVALID = Long.MIN_VALUE;

    private static final byte[] FIELD = "\"createdAt\":\"".getBytes(StandardCharsets.US_ASCII);

    private EventTime() {}

    /** Epoch milliseconds of {@code s}, sub-millisecond digits dropped; {@link #INVALID} if none. */
    static long parse(String s) {
        if (s == null) {
            return INVALID;
        }
        long fast = fast(s);
        if (fast != INVALID) {
            return fast;
        }
        int dot = s.indexOf('.');
        if (dot >= 0 && (dot + 1 == s.length() || s.charAt(dot + 1) < '0' || s.charAt(dot + 1) > '9')) {
            return INVALID; // java.time takes "50.Z"; RFC 3339 wants a digit after the dot
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return INVALID;
        }
    }

    /**
     * The event time of a record for watermarks, cheaply: the first {@code "createdAt":"…"} in
     * its bytes, parsed; {@link #INVALID} when there is none. {@link ParseEvents} parses the
     * field properly; for the generator's events both agree.
     */
    static long ofRecord(byte[] value) {
        if (value == null) {
            return INVALID;
        }
        outer:
        for (int i = 0; i + FIELD.length <= value.length; i++) {
            for (int j = 0; j < FIELD.length; j++) {
                if (value[i + j] != FIELD[j]) {
                    continue outer;
                }
            }
            int from = i + FIELD.length;
            int to = from;
            while (to < value.length && value[to] != '"' && to - from < 64) {
                to++;
            }
            if (to >= value.length || value[to] != '"') {
                return INVALID;
            }
            return parse(new String(value, from, to - from, StandardCharsets.US_ASCII));
        }
        return INVALID;
    }

    /** {@code YYYY-MM-DDTHH:MM:SS[.f…]Z}, or {@link #INVALID} for any other text. */
    private static long fast(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return INVALID;
        }
        int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
        int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return INVALID;
            }
            for (int i = 20; i < n - 1; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return INVALID;
                }
                if (i < 23) {
                    millis = millis * 10 + (c - '0');
                }
            }
            for (int i = n - 1; i < 23; i++) {
                millis *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return INVALID;
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        if (month == 2) {
            return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
