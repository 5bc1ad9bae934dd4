package dev.ferry.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Dataset} wrote: keys in total, keys per type name ("string", "list", "hash", "set",
 * "zset", "stream"), and how many of them carry a TTL.
 */
public record DatasetSummary(long totalKeys, Map<String, Long> keysPerType, long keysWithTtl) {

    public DatasetSummary {
        // Read-only but in type order (string, list, ...), unlike Map.copyOf.
        keysPerType = Collections.unmodifiableMap(new LinkedHashMap<>(keysPerType));
    }

    public long keysOfType(String type) {
        return keysPerType.getOrDefault(type, 0L);
    }
}
