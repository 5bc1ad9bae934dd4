package dev.ferry.core.verify;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keys compared per type, shared by the workers of one pair; and per database, how many keys the forward pass
 * took from the left and how many of them the right held, which can spare the reverse pass.
 */
final class Tally {
    private final Map<String, LongAdder> perType = new ConcurrentHashMap<>();
    private final LongAdder keys = new LongAdder();
    private final Map<Integer, LongAdder> scanned = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> onRight = new ConcurrentHashMap<>();

    void key(int db, String typeLeft, String typeRight) {
        perType.computeIfAbsent(typeLeft.equals("none") ? typeRight : typeLeft, t -> new LongAdder()).increment();
        keys.increment();
        scanned.computeIfAbsent(db, d -> new LongAdder()).increment();
        if (!typeRight.equals("none") && !typeRight.equals("?")) {
            onRight.computeIfAbsent(db, d -> new LongAdder()).increment();
        }
    }

    long keys() {
        return keys.sum();
    }

    long scanned(int db) {
        LongAdder n = scanned.get(db);
        return n == null ? 0 : n.sum();
    }

    long onRight(int db) {
        LongAdder n = onRight.get(db);
        return n == null ? 0 : n.sum();
    }

    Map<String, Long> perType() {
        Map<String, Long> out = new TreeMap<>();
        perType.forEach((t, n) -> out.put(t, n.sum()));
        out.remove("none"); // gone from both sides while compared: nothing to count
        return out;
    }
}
