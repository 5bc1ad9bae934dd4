package dev.ferry.core.verify;

import java.nio.charset.StandardCharsets;

/** One key that differs between two servers, after re-checks. {@code key} is shown escaped (keys are binary). */
public record Difference(String pair, int db, String key, Kind kind, String detail) {

    public enum Kind {
        MISSING_ON_LEFT, MISSING_ON_RIGHT, TYPE, VALUE, TTL, UNREADABLE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One line for display and for the mismatch file. */
    public String line() {
        return pair + " db" + db + " " + kind.label() + " " + key + ": " + detail;
    }

    /** Printable key: printable ASCII as is, everything else as \xNN, so a key never breaks a terminal. */
    static String printable(byte[] key) {
        StringBuilder out = new StringBuilder(key.length + 2).append('"');
        for (byte b : key) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.append('"').toString();
    }

    static String text(byte[] value) {
        return value == null ? "nil" : printable(value);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
