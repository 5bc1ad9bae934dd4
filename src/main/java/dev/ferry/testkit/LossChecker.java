package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Compares acknowledged writes with what a server (or a cluster) holds, in batches read by {@code reader}
 * (values in the keys' order, null for an absent key).
 */
final class LossChecker {

    private final UnaryOperator<List<String>> reader;
    private final int sampleSize;
    private final List<String> missingSample = new ArrayList<>();
    private long checked;
    private long missing;
    private long wrong;

    private LossChecker(UnaryOperator<List<String>> reader, int sampleSize) {
        this.reader = reader;
        this.sampleSize = sampleSize;
    }

    static LossReport check(UnaryOperator<List<String>> reader, WriterStats stats, int batch, int sampleSize) {
        LossChecker checker = new LossChecker(reader, sampleSize);
        List<String> keys = new ArrayList<>(batch);
        List<String> expected = new ArrayList<>(batch);
        for (int w = 0; w < stats.acknowledgedSeqs().size(); w++) {
            BitSet bits = stats.acknowledgedSeqs().get(w);
            for (int s = bits.nextSetBit(0); s >= 0; s = bits.nextSetBit(s + 1)) {
                keys.add(WriterStats.key(stats.keyPrefix(), w, s));
                expected.add(Integer.toString(s));
                if (keys.size() == batch) {
                    checker.compare(keys, expected);
                }
            }
        }
        checker.compare(keys, expected);
        return new LossReport(checker.checked, checker.missing, checker.wrong, checker.missingSample);
    }

    /** Checks one batch and empties both lists. */
    private void compare(List<String> keys, List<String> expected) {
        if (keys.isEmpty()) {
            return;
        }
        List<String> actual = reader.apply(keys);
        for (int i = 0; i < keys.size(); i++) {
            checked++;
            String value = actual.get(i);
            if (value == null) {
                missing++;
                if (missingSample.size() < sampleSize) {
                    missingSample.add(keys.get(i));
                }
            } else if (!value.equals(expected.get(i))) {
                wrong++;
            }
        }
        keys.clear();
        expected.clear();
    }
}
