package dev.ferry.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of {@link Writers}. {@code longestGap} is the longest time one writer went between two
 * acknowledged writes (an unfinished gap counts up to the snapshot or the writer's end): the write pause
 * an application saw. {@code acknowledgedSeqs.get(w)} has bit {@code seq} set for every acknowledged
 * key {@code <keyPrefix>:<w>:<seq>}.
 */
public record WriterStats(
        long acknowledged,
        long attempted,
        Map<String, Long> errors,
        long reconnects,
        long connectFailures,
        String lastConnectError,
        Duration longestGap,
        int longestGapWriter,
        Instant longestGapStart,
        Instant longestGapEnd,
        String keyPrefix,
        List<BitSet> acknowledgedSeqs) {

    public WriterStats {
        // Sorted and read-only, so summaries print the same way every time.
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        acknowledgedSeqs = List.copyOf(acknowledgedSeqs);
    }

    public static String key(String prefix, int writer, long seq) {
        return prefix + ":" + writer + ":" + seq;
    }

    public long errorCount(String errorClass) {
        return errors.getOrDefault(errorClass, 0L);
    }

    public long totalErrors() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public long acknowledgedBy(int writer) {
        return acknowledgedSeqs.get(writer).cardinality();
    }

    /** All acknowledged key names; materializes a list, so meant for tests of modest size. */
    public List<String> acknowledgedKeys() {
        List<String> keys = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, acknowledged));
        for (int w = 0; w < acknowledgedSeqs.size(); w++) {
            BitSet bits = acknowledgedSeqs.get(w);
            for (int s = bits.nextSetBit(0); s >= 0; s = bits.nextSetBit(s + 1)) {
                keys.add(key(keyPrefix, w, s));
            }
        }
        return keys;
    }

    /** One line for logs and assertion messages. */
    public String summary() {
        return "acknowledged=" + acknowledged + " attempted=" + attempted + " errors=" + errors
                + " reconnects=" + reconnects + " connectFailures=" + connectFailures
                + (lastConnectError == null ? "" : " lastConnectError=" + lastConnectError)
                + " longestGap=" + longestGap.toMillis() + "ms (writer " + longestGapWriter + " "
                + longestGapStart + " .. " + longestGapEnd + ")";
    }
}
