package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

/**
 * Deterministic test data of every core type, loaded with pipelining. Same (keys, seed, server
 * generation) gives the same content, so two servers can be compared after a migration.
 */
public final class Dataset {

    public static final String KEY_PREFIX = "data";
    /** Keys per pipeline round trip: big enough for speed, small enough to keep replies modest. */
    static final int BATCH = 1000;
    private static final int TTL_ONE_IN = 3;
    private static final int TTL_MIN_SECONDS = 3600;
    private static final int MIN_VALUE = 10;
    private static final int MAX_VALUE = 100;
    private static final int MAX_ELEMENTS = 5;
    private static final int STREAMS_SINCE = 500;
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    /** The key types written; STREAM only on servers that have streams (5.0+). */
    public enum KeyType {
        STRING, LIST, HASH, SET, ZSET, STREAM;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Dataset() {
    }

    /** Loads {@code keys} keys into db 0 and returns what was written. */
    public static DatasetSummary load(Jedis jedis, int keys, long seed) {
        return loadInto(jedis, 0, keys, seed);
    }

    /** Same data set written into database {@code db} (the connection's db is restored afterwards). */
    public static void loadIntoDatabases(Jedis jedis, int db, int keys, long seed) {
        loadInto(jedis, db, keys, seed);
    }

    /** Like {@link #loadIntoDatabases} but returns the summary. */
    public static DatasetSummary loadInto(Jedis jedis, int db, int keys, long seed) {
        if (keys < 0) {
            throw new IllegalArgumentException("keys must be >= 0: " + keys);
        }
        List<KeyType> types = typesFor(jedis);
        int previousDb = jedis.getDB();
        jedis.select(db);
        try {
            return write(jedis, keys, new Random(seed), types);
        } finally {
            jedis.select(previousDb);
        }
    }

    /** Key name for the n-th key: {@code data:<type>:<n>}. */
    public static String key(KeyType type, long n) {
        return KEY_PREFIX + ":" + type.label() + ":" + n;
    }

    static List<KeyType> typesFor(Jedis jedis) {
        List<KeyType> types = new ArrayList<>(List.of(KeyType.values()));
        if (InfoParser.versionNumber(jedis.info("server")) < STREAMS_SINCE) {
            types.remove(KeyType.STREAM);
        }
        return types;
    }

    private static DatasetSummary write(Jedis jedis, int keys, Random rnd, List<KeyType> types) {
        Map<KeyType, Long> perType = new EnumMap<>(KeyType.class);
        long withTtl = 0;
        for (int start = 0; start < keys; start += BATCH) {
            int end = Math.min(keys, start + BATCH);
            try (Pipeline p = jedis.pipelined()) {
                for (int n = start; n < end; n++) {
                    KeyType type = types.get(n % types.size());
                    perType.merge(type, 1L, Long::sum);
                    withTtl += writeKey(p, type, n, rnd) ? 1 : 0;
                }
                failOnErrorReply(p.syncAndReturnAll());
            }
        }
        return summary(keys, perType, withTtl);
    }

    /** Writes one key; returns whether it got a TTL. */
    private static boolean writeKey(Pipeline p, KeyType type, int n, Random rnd) {
        String key = key(type, n);
        // DEL first so reloading with the same seed gives the same content instead of appending.
        p.del(key);
        switch (type) {
            case STRING -> p.set(key, value(rnd));
            case LIST -> p.rpush(key, values(rnd));
            // One field per HSET: multi-field HSET only exists since 4.0.
            case HASH -> fields(rnd).forEach((f, v) -> p.hset(key, f, v));
            case SET -> p.sadd(key, values(rnd));
            case ZSET -> p.zadd(key, scores(rnd));
            case STREAM -> streamEntries(p, key, rnd);
            default -> throw new IllegalStateException("unhandled type " + type);
        }
        if (rnd.nextInt(TTL_ONE_IN) != 0) {
            return false;
        }
        // 1-2 hours: long enough that nothing expires while a test or demo runs.
        p.expire(key, TTL_MIN_SECONDS + rnd.nextInt(TTL_MIN_SECONDS));
        return true;
    }

    private static void streamEntries(Pipeline p, String key, Random rnd) {
        int entries = 1 + rnd.nextInt(3);
        for (int i = 0; i < entries; i++) {
            p.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("f", value(rnd)));
        }
    }

    private static void failOnErrorReply(List<Object> replies) {
        for (Object reply : replies) {
            if (reply instanceof Exception e) {
                throw new IllegalStateException("dataset load failed: " + e.getMessage(), e);
            }
        }
    }

    private static DatasetSummary summary(long keys, Map<KeyType, Long> perType, long withTtl) {
        Map<String, Long> byLabel = new LinkedHashMap<>();
        perType.forEach((t, c) -> byLabel.put(t.label(), c));
        return new DatasetSummary(keys, byLabel, withTtl);
    }

    private static String[] values(Random rnd) {
        String[] out = new String[1 + rnd.nextInt(MAX_ELEMENTS)];
        for (int i = 0; i < out.length; i++) {
            out[i] = value(rnd);
        }
        return out;
    }

    private static Map<String, String> fields(Random rnd) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 1 + rnd.nextInt(MAX_ELEMENTS);
        for (int i = 0; i < n; i++) {
            out.put("f" + i, value(rnd));
        }
        return out;
    }

    private static Map<String, Double> scores(Random rnd) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String member : values(rnd)) {
            out.put(member, (double) rnd.nextInt(1_000_000));
        }
        return out;
    }

    private static String value(Random rnd) {
        char[] c = new char[MIN_VALUE + rnd.nextInt(MAX_VALUE - MIN_VALUE + 1)];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
