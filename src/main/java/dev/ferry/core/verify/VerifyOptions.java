package dev.ferry.core.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to verify: every key ({@code sample == 0}) or {@code sample} random keys from each side; a command rate
 * limit so verify never starves production; TTL tolerance; how often a changing key is re-checked.
 *
 * @param sample       keys picked at random from each side, or 0 for a full compare
 * @param maxOps       commands per second summed over both servers, or 0 for no limit
 * @param ttlTolerance TTLs that differ by less are equal (reads on two servers are not simultaneous)
 * @param rechecks     rounds a differing key is compared again before it counts (it may be changing)
 * @param recheckDelay pause before each re-check round: long enough for replication to catch up
 * @param shown        mismatches kept in memory for display; the full list goes to {@code mismatchFile}
 * @param workers      batches compared in parallel, each with its own pair of connections
 */
public record VerifyOptions(int sample, long maxOps, Duration ttlTolerance, int rechecks, Duration recheckDelay,
        int shown, Optional<Path> mismatchFile, int workers) {

    public static final Duration DEFAULT_TTL_TOLERANCE = Duration.ofSeconds(2);

    public VerifyOptions {
        if (sample < 0) {
            throw new IllegalArgumentException("sample must be >= 0, was " + sample);
        }
        if (maxOps < 0) {
            throw new IllegalArgumentException("max-ops must be >= 0 (0 = no limit), was " + maxOps);
        }
        if (rechecks < 0 || shown < 0 || workers < 1) {
            throw new IllegalArgumentException("rechecks and shown must be >= 0 and workers >= 1, were "
                    + rechecks + ", " + shown + ", " + workers);
        }
    }

    public static VerifyOptions full() {
        return new VerifyOptions(0, 0, DEFAULT_TTL_TOLERANCE, 3, Duration.ofMillis(200), 20, Optional.empty(), 2);
    }

    public static VerifyOptions sampled(int keys) {
        return full().withSample(keys);
    }

    public boolean isFull() {
        return sample == 0;
    }

    public VerifyOptions withSample(int keys) {
        return new VerifyOptions(keys, maxOps, ttlTolerance, rechecks, recheckDelay, shown, mismatchFile, workers);
    }

    public VerifyOptions withMaxOps(long ops) {
        return new VerifyOptions(sample, ops, ttlTolerance, rechecks, recheckDelay, shown, mismatchFile, workers);
    }

    public VerifyOptions withMismatchFile(Path file) {
        return new VerifyOptions(sample, maxOps, ttlTolerance, rechecks, recheckDelay, shown, Optional.of(file),
                workers);
    }

    public VerifyOptions withWorkers(int n) {
        return new VerifyOptions(sample, maxOps, ttlTolerance, rechecks, recheckDelay, shown, mismatchFile, n);
    }

    public VerifyOptions withRechecks(int rounds, Duration delay) {
        return new VerifyOptions(sample, maxOps, ttlTolerance, rounds, delay, shown, mismatchFile, workers);
    }
}
