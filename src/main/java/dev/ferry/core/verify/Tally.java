package dev.ferry.core.verify;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Keys compared per type, shared by the workers of one pair. */
final class Tally {
    private final Map<String, LongAdder> perType = new ConcurrentHashMap<>();
    private final LongAdder keys = new LongAdder();

    void key(String type) {
        perType.computeIfAbsent(type, t -> new LongAdder()).increment();
        keys.increment();
    }

    long keys() {
        return keys.sum();
    }

    Map<String, Long> perType() {
        Map<String, Long> out = new TreeMap<>();
        perType.forEach((t, n) -> out.put(t, n.sum()));
        out.remove("none"); // gone from both sides while compared: nothing to count
        return out;
    }
}
