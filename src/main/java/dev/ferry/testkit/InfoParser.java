package dev.ferry.testkit;

import java.util.Optional;

/** Reads single fields out of INFO text ("name:value" lines). */
public final class InfoParser {

    private InfoParser() {
    }

    public static Optional<String> field(String info, String name) {
        String prefix = name + ":";
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return Optional.of(line.substring(prefix.length()).trim());
            }
        }
        return Optional.empty();
    }

    /** "major.minor" of redis_version as a comparable int (5.0.14 -> 500); 0 when absent. */
    public static int versionNumber(String info) {
        String v = field(info, "redis_version").orElse("0.0");
        String[] parts = v.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major * 100 + minor;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
