package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The verify steps of a run: b against a before the cutover, c against b after it. A sample keeps the step
 * short on a big keyspace (the cutover waits for it); {@code ferry verify --full} is there for a whole compare.
 */
public record VerifySpec(Mode before, Mode after, int sample) {

    public static final int DEFAULT_SAMPLE = 1000;
    public static final VerifySpec DEFAULT = new VerifySpec(Mode.SAMPLE, Mode.SAMPLE, DEFAULT_SAMPLE);

    public VerifySpec {
        requireNonNull(before, "before");
        requireNonNull(after, "after");
        if (sample < 1 || sample > 100_000_000) {
            throw new IllegalArgumentException("verify.sample must be between 1 and 100000000, was " + sample);
        }
    }

    public enum Mode {
        /** {@code sample} random keys from each side. */
        SAMPLE,
        /** Every key. */
        FULL,
        /** No verify step. */
        OFF;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return label();
        }
    }
}
