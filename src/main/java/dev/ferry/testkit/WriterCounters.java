package dev.ferry.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by all writer threads of one {@link Writers}. */
final class WriterCounters {

    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder attempted = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    /** Why the latest reconnect failed (e.g. wrong password); null when none did. */
    volatile String lastConnectError;

    void error(String errorClass) {
        errors.computeIfAbsent(errorClass, k -> new LongAdder()).increment();
    }

    /** Sorted snapshot so reports read the same every time. */
    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
