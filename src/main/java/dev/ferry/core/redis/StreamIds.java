package dev.ferry.core.redis;

import java.nio.charset.StandardCharsets;

/** Stream entry ids ({@code <ms>-<seq>}, both unsigned 64-bit). */
public final class StreamIds {
    private StreamIds() {
    }

    /** The smallest stream id after {@code id}: XRANGE's exclusive "(" needs 6.2, this works from 5.0. */
    public static byte[] next(byte[] id) {
        String s = new String(id, StandardCharsets.US_ASCII);
        int dash = s.indexOf('-');
        long ms = Long.parseUnsignedLong(s.substring(0, dash));
        long seq = Long.parseUnsignedLong(s.substring(dash + 1));
        String next = seq == -1L ? Long.toUnsignedString(ms + 1) + "-0"
                : Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq + 1);
        return next.getBytes(StandardCharsets.US_ASCII);
    }
}
