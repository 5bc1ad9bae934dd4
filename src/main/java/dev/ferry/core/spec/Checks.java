package dev.ferry.core.spec;

import java.time.Duration;

/** Preconditions for the spec records, worded like the spec keys so a message reads the same from code or YAML. */
final class Checks {
    private Checks() {
    }

    static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + Durations.format(value));
        }
    }

    static void notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, was " + Durations.format(value));
        }
    }

    static void atMost(String key, Duration value, Duration limit) {
        if (value.compareTo(limit) > 0) {
            throw new IllegalArgumentException(key + " is absurdly large: must be at most " + Durations.format(limit)
                    + ", was " + Durations.format(value));
        }
    }

    static int port(String key, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(key + " must be between 1 and 65535, was " + port);
        }
        return port;
    }
}
