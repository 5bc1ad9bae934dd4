package dev.ferry.core.cutover;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the write pause goes: the cutover's critical path from the fence to the unpause, phase by phase, in ms
 * (the report's and the bench's {@code phasesMillis}). Each {@link #lap} charges the time since the previous one
 * to a phase; a phase lapped twice adds up.
 */
final class CriticalPath {
    private final LongSupplier nanos;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long last;

    CriticalPath(LongSupplier nanos, long startNanos) {
        this.nanos = nanos;
        this.last = startNanos;
    }

    void lap(String phase) {
        long now = nanos.getAsLong();
        phases.merge(phase, CutoverMoves.millis(now - last), (x, y) -> CutoverMoves.millis(Math.round((x + y) * 1_000_000)));
        last = now;
    }

    Map<String, Double> phases() {
        return new LinkedHashMap<>(phases);
    }
}
