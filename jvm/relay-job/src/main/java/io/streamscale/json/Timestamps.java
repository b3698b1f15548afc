package io.streamscale.json;

/**
 * Formats epoch milliseconds as UTC RFC 3339 with exactly three fraction digits
 * ({@code 2019-05-16T17:16:40.123Z}) into a byte array, without allocating: this runs twice per
 * record on the job's hot path.
 */
public final class Timestamps {
    /** Length of a formatted timestamp for years 0000-9999. */
    public static final int LENGTH = 24;

    private Timestamps() {}

    /** Writes the timestamp for {@code epochMillis} at {@code pos} and returns the end position. */
    public static int write(byte[] buf, int pos, long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        int msOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));

        pos = digits(buf, pos, year, 4);
        buf[pos++] = '-';
        pos = digits(buf, pos, month, 2);
        buf[pos++] = '-';
        pos = digits(buf, pos, day, 2);
        buf[pos++] = 'T';
        pos = digits(buf, pos, msOfDay / 3_600_000, 2);
        buf[pos++] = ':';
        pos = digits(buf, pos, msOfDay / 60_000 % 60, 2);
        buf[pos++] = ':';
        pos = digits(buf, pos, msOfDay / 1000 % 60, 2);
        buf[pos++] = '.';
        pos = digits(buf, pos, msOfDay % 1000, 3);
        buf[pos++] = 'Z';
        return pos;
    }

    private static int digits(byte[] buf, int pos, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buf[pos + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return pos + width;
    }
}
