package dev.ferry.core.redis;

import java.util.Locale;

/** Byte counts as operators read them, and Redis' memory units ("64mb", "1gb") as they are written in configs. */
public final class Bytes {
    private Bytes() {
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
    }

    /** Parses "268435456", "64mb", "1gb", "512k" the way redis.conf does (k = 1000, kb = 1024). */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long factor = 1;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"},
                {"g", "1000000000"}, {"b", "1"}};
        for (String[] unit : units) {
            if (t.endsWith(unit[0])) {
                factor = Long.parseLong(unit[1]);
                t = t.substring(0, t.length() - unit[0].length());
                break;
            }
        }
        return Long.parseLong(t.trim()) * factor;
    }
}
