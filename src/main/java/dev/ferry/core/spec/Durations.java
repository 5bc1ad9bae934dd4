package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in a spec: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m30s}, {@code 1h}.
 * A unit is always required, because a bare {@code 2} is seconds to one reader and milliseconds to another.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");
    private static final Pattern BARE_NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private Durations() {
    }

    /**
     * Parses a duration such as {@code 2s} or {@code 1m30s}.
     *
     * @throws IllegalArgumentException with a message that shows how to write it
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        String trimmed = text.strip();
        if (BARE_NUMBER.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(
                    "'" + trimmed + "' has no unit; write a unit: " + trimmed + "s (units: ms, s, m, h)");
        }
        if (!WHOLE.matcher(trimmed).matches()) {
            throw new IllegalArgumentException(
                    "'" + trimmed + "' is not a duration; write e.g. 500ms, 2s, 1.5s, 1m30s or 1h");
        }
        BigDecimal millis = BigDecimal.ZERO;
        Matcher part = PART.matcher(trimmed);
        while (part.find()) {
            millis = millis.add(new BigDecimal(part.group(1)).multiply(millisPer(part.group(2))));
        }
        return toDuration(trimmed, millis);
    }

    /** Formats a duration the way {@link #parse} reads it: {@code 2s}, {@code 500ms}, {@code 1m30s}, {@code 0s}. */
    public static String format(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, duration.toHours(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        appendMillis(out, duration.toNanosPart());
        return out.toString();
    }

    private static BigDecimal millisPer(String unit) {
        return switch (unit) {
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000);
            case "m" -> BigDecimal.valueOf(60_000);
            default -> BigDecimal.valueOf(3_600_000);
        };
    }

    private static Duration toDuration(String text, BigDecimal millis) {
        try {
            // whole milliseconds only: finer values would not survive format() and nothing in ferry needs them
            return Duration.ofMillis(millis.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is finer than a millisecond or too large; write e.g. 1500ms");
        }
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount > 0) {
            out.append(amount).append(unit);
        }
    }

    private static void appendMillis(StringBuilder out, int nanos) {
        if (nanos == 0) {
            return;
        }
        if (nanos % NANOS_PER_MILLI == 0) {
            out.append(nanos / NANOS_PER_MILLI).append("ms");
        } else {
            // only reachable for durations made in code; show the fraction rather than silently round it away
            out.append(BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString()).append("ms");
        }
    }
}
