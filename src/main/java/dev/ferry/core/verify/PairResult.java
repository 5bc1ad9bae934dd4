package dev.ferry.core.verify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What verifying one pair found.
 *
 * @param keys        keys compared from the left (a full compare) or sampled from each side
 * @param perType     keys compared per Redis type
 * @param differences keys that still differed after the re-check rounds
 * @param shown       the first few differences, for display
 * @param rechecked   keys that differed once and were compared again
 * @param reverse     whether the right-to-left pass "ran" or was "skipped" (the forward pass proved the right
 *                    holds no other key)
 */
public record PairResult(String left, String right, String mode, long keys, Map<String, Long> perType,
        long differences, Map<String, Long> perKind, List<Difference> shown, long rechecked, String reverse,
        Duration took) {

    public PairResult {
        perType = Map.copyOf(perType);
        perKind = Map.copyOf(perKind);
        shown = List.copyOf(shown);
    }

    public String pair() {
        return left + "<->" + right;
    }

    public boolean matches() {
        return differences == 0;
    }

    public double keysPerSecond() {
        double seconds = took.toNanos() / 1e9;
        return seconds == 0 ? 0 : keys / seconds;
    }

    /** Plain maps for the journal and the report. */
    public Map<String, Object> facts() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pair", pair());
        f.put("mode", mode);
        f.put("keys", keys);
        f.put("per-type", new java.util.TreeMap<>(perType));
        f.put("differences", differences);
        f.put("per-kind", new java.util.TreeMap<>(perKind));
        f.put("shown", shown.stream().map(Difference::line).toList());
        f.put("rechecked", rechecked);
        f.put("reverse-pass", reverse);
        f.put("millis", took.toMillis());
        return f;
    }
}
