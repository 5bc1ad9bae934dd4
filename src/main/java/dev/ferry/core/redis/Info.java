package dev.ferry.core.redis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** The fields of one INFO reply. */
public final class Info {
    private final Map<String, String> fields;

    private Info(Map<String, String> fields) {
        this.fields = fields;
    }

    public static Info parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isEmpty() || line.startsWith("#") || colon < 0) {
                continue;
            }
            fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return new Info(fields);
    }

    public String get(String key) {
        return fields.get(key);
    }

    public String get(String key, String fallback) {
        return fields.getOrDefault(key, fallback);
    }

    public long getLong(String key, long fallback) {
        String v = fields.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public OptionalLong optLong(String key) {
        String v = fields.get(key);
        try {
            return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public boolean has(String key) {
        return fields.containsKey(key);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(fields);
    }

    /** Keys per database from the keyspace section: {@code db3:keys=10,expires=2,avg_ttl=0}. */
    public Map<Integer, Long> keysPerDb() {
        Map<Integer, Long> keys = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (k.matches("db\\d+")) {
                keys.put(Integer.parseInt(k.substring(2)), subfield(v, "keys"));
            }
        });
        return keys;
    }

    /** Keys with a TTL in database {@code db}, from the keyspace section; 0 when the database is empty. */
    public long expiresIn(int db) {
        String v = fields.get("db" + db);
        return v == null ? 0 : subfield(v, "expires");
    }

    public long totalKeys() {
        return keysPerDb().values().stream().mapToLong(Long::longValue).sum();
    }

    private static long subfield(String value, String name) {
        for (String part : value.split(",")) {
            if (part.startsWith(name + "=")) {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        return 0;
    }
}
