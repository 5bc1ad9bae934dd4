package dev.ferry.core.cutover;

import java.util.List;
import java.util.Optional;

/** A fence's transaction built (and its old values journaled) by {@link Fence#prepare}, for that marker only. */
record Prepared(String markerKey, String markerValue, List<List<String>> transaction) {

    /** The prepared transaction if it was built for this marker. */
    static Optional<List<List<String>>> take(Prepared prepared, String markerKey, String markerValue) {
        return prepared != null && prepared.markerKey.equals(markerKey) && prepared.markerValue.equals(markerValue)
                ? Optional.of(prepared.transaction) : Optional.empty();
    }
}
