package dev.ferry.core.sync;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Copies keys from a to b, one pipeline per batch and database: {@code DUMP} + {@code PTTL} on a, then
 * {@code RESTORE key ttl payload REPLACE} on b (the remaining TTL, read just before), or {@code DEL} where the key
 * is gone. At most {@code maxOps} commands a second (0: no limit), as verify's {@code --max-ops}.
 *
 * <p>Big keys ({@code MEMORY USAGE} over {@value #BIG_BYTES} bytes) are copied by type in chunks
 * ({@link TypedCopier}), never dumped whole. When b refuses a DUMP payload (a newer RDB version toward an older b,
 * another fork), that key and every key after it are copied by type. Where a refuses {@code MEMORY}, big keys
 * are dumped whole.
 */
final class KeyCopier implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;
    static final long BIG_BYTES = 1024 * 1024;

    private final RedisNode a;
    private final RedisNode b;
    private final long nanosPerOp;
    private final Map<Integer, Connection> onA = new HashMap<>();
    private final Map<Integer, Connection> onB = new HashMap<>();
    private long nextFree = System.nanoTime();
    private final TypedCopier typed;
    private final java.util.function.Consumer<String> warn;
    private long restored;
    private long deleted;
    /** Why every key is copied by type (b refused a payload), or null while DUMP/RESTORE works. */
    private volatile String typedBecause;
    private boolean memoryRefused;

    KeyCopier(RedisNode a, RedisNode b, long maxOps, java.util.function.Consumer<String> warn) {
        this.a = a;
        this.b = b;
        this.typed = new TypedCopier(a, b);
        this.warn = warn;
        this.nanosPerOp = maxOps <= 0 ? 0 : Math.max(1, 1_000_000_000L / maxOps);
    }

    /** One page of {@code SCAN} on database {@code db}: the next cursor ("0" at the end) and the keys. */
    record Page(String cursor, List<byte[]> keys) {
    }

    synchronized Page scan(int db, String cursor, int count) {
        return scan(connection(onA, a, "scan", db), a, cursor, count);
    }

    private Page scan(Connection c, RedisNode node, String cursor, int count) {
        c.sendCommand(RawConnections.command(node, "SCAN", cursor, "COUNT", count));
        List<Object> reply = c.getObjectMultiBulkReply();
        List<byte[]> keys = new ArrayList<>();
        for (Object key : (List<?>) reply.get(1)) {
            keys.add((byte[]) key);
        }
        throttle(1);
        return new Page(new String((byte[]) reply.get(0), StandardCharsets.US_ASCII), keys);
    }

    /** One page of {@code SCAN} on database {@code db} of b. */
    synchronized Page scanB(int db, String cursor, int count) {
        return scan(connection(onB, b, "restore", db), b, cursor, count);
    }

    /** Those of {@code keys} that a does not hold ({@code EXISTS}, pipelined). */
    synchronized List<byte[]> missingOnA(int db, List<byte[]> keys) {
        Connection c = connection(onA, a, "scan", db);
        for (byte[] key : keys) {
            c.sendCommand(RawConnections.command(a, "EXISTS", key));
        }
        List<Object> exists = c.getMany(keys.size());
        List<byte[]> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (Long.valueOf(0).equals(failOn(exists.get(i), "EXISTS", a))) {
                missing.add(keys.get(i));
            }
        }
        throttle(keys.size() + 1);
        return missing;
    }

    /** Gives b what a holds now under each of {@code keys} of database {@code db}. */
    synchronized void copy(int db, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Connection from = connection(onA, a, "scan", db);
        Connection to = connection(onB, b, "restore", db);
        List<byte[]> byType = new ArrayList<>();
        List<byte[]> dumped = new ArrayList<>();
        if (typedBecause != null) {
            byType.addAll(keys);
        } else {
            splitBig(from, keys, dumped, byType);
        }
        if (!dumped.isEmpty()) {
            dumpAndRestore(from, to, dumped, byType);
        }
        if (!byType.isEmpty()) {
            deleted += typed.copy(from, to, byType);
        }
        throttle(keys.size() * 3);
    }

    /** Keys over {@link #BIG_BYTES} (MEMORY USAGE, sampled) go to {@code big}, the others to {@code small}. */
    private void splitBig(Connection from, List<byte[]> keys, List<byte[]> small, List<byte[]> big) {
        if (memoryRefused) {
            small.addAll(keys);
            return;
        }
        for (byte[] key : keys) {
            from.sendCommand(RawConnections.command(a, "MEMORY", "USAGE", key));
        }
        List<Object> sizes = from.getMany(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            Object size = sizes.get(i);
            if (size instanceof JedisDataException) {
                memoryRefused = true; // MEMORY renamed away: big keys are dumped whole
                small.clear();
                big.clear();
                small.addAll(keys);
                return;
            }
            (size instanceof Long bytes && bytes > BIG_BYTES ? big : small).add(keys.get(i));
        }
    }

    /** DUMP + PTTL on a, RESTORE (or DEL) on b; keys whose payload b refuses are added to {@code refused}. */
    private void dumpAndRestore(Connection from, Connection to, List<byte[]> keys, List<byte[]> refused) {
        for (byte[] key : keys) {
            from.sendCommand(RawConnections.command(a, "DUMP", key));
            from.sendCommand(RawConnections.command(a, "PTTL", key));
        }
        List<Object> read = from.getMany(keys.size() * 2);
        for (int i = 0; i < keys.size(); i++) {
            Object payload = failOn(read.get(2 * i), "DUMP", a);
            long pttl = (Long) failOn(read.get(2 * i + 1), "PTTL", a);
            if (payload == null || pttl == -2 || pttl == 0) {
                to.sendCommand(RawConnections.command(b, "DEL", keys.get(i)));
                deleted++;
            } else {
                to.sendCommand(RawConnections.command(b, "RESTORE", keys.get(i), pttl > 0 ? pttl : 0, payload, "REPLACE"));
                restored++;
            }
        }
        List<Object> replies = to.getMany(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            if (replies.get(i) instanceof JedisDataException e && refusesPayload(e)) {
                refused.add(keys.get(i));
                restored--;
                if (typedBecause == null) {
                    typedBecause = "b refuses a's DUMP payload (" + e.getMessage() + ")";
                    warn.accept("logical sync: " + typedBecause + ": copying by type from now on");
                }
            } else {
                failOn(replies.get(i), "RESTORE", b);
            }
        }
    }

    /** RESTORE's answer to a payload of a newer RDB version or another fork. */
    static boolean refusesPayload(JedisDataException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("payload version") || m.contains("Bad data format");
    }

    /** Empties database {@code db} of b (a's was flushed or swapped: a rescan of it follows). */
    synchronized void flushB(int db) {
        Connection to = connection(onB, b, "restore", db);
        to.sendCommand(RawConnections.command(b, "FLUSHDB"));
        failOn(to.getOne(), "FLUSHDB", b);
    }

    private static Object failOn(Object reply, String command, RedisNode node) {
        if (reply instanceof JedisDataException e) {
            throw new FerryException(ExitCode.STOPPED, "the logical copy's " + command + " on " + node.label() + " ("
                    + node.address() + ") failed: " + e.getMessage());
        }
        return reply;
    }

    private void throttle(int ops) {
        if (nanosPerOp == 0) {
            return;
        }
        long startAt = Math.max(System.nanoTime(), nextFree);
        nextFree = startAt + ops * nanosPerOp;
        long wait;
        while ((wait = startAt - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * Each key's value in a form that does not depend on its encoding (a DUMP of a hashtable-encoded set or hash
     * differs with the table's history): type, whether it expires, and its contents, sorted where unordered.
     * The cutover's comparison of the keys changed inside the fence.
     */
    synchronized List<String> canonical(RedisNode node, int db, List<byte[]> keys) {
        Connection c = connection(node == a ? onA : onB, node, node == a ? "scan" : "restore", db);
        for (byte[] key : keys) {
            c.sendCommand(RawConnections.command(node, "TYPE", key));
            c.sendCommand(RawConnections.command(node, "PTTL", key));
        }
        List<Object> typesAndTtls = c.getMany(keys.size() * 2);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String type = latin1(typesAndTtls.get(2 * i));
            types.add(type);
            c.sendCommand(read(node, type, keys.get(i)));
        }
        List<Object> contents = c.getMany(keys.size());
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            long pttl = typesAndTtls.get(2 * i + 1) instanceof Long l ? l : -3;
            canonical.add(types.get(i) + (pttl >= 0 ? " expiring " : " ") + flatten(types.get(i), contents.get(i)));
        }
        return canonical;
    }

    private static redis.clients.jedis.CommandArguments read(RedisNode node, String type, byte[] key) {
        return switch (type) {
            case "string" -> RawConnections.command(node, "GET", key);
            case "hash" -> RawConnections.command(node, "HGETALL", key);
            case "set" -> RawConnections.command(node, "SMEMBERS", key);
            case "zset" -> RawConnections.command(node, "ZRANGE", key, 0, -1, "WITHSCORES");
            case "list" -> RawConnections.command(node, "LRANGE", key, 0, -1);
            case "stream" -> RawConnections.command(node, "XRANGE", key, "-", "+");
            default -> RawConnections.command(node, "EXISTS", key); // none, or a module type: presence only
        };
    }

    private static String flatten(String type, Object reply) {
        if (!(reply instanceof List<?> items)) {
            return reply instanceof byte[] ? latin1(reply) : String.valueOf(reply);
        }
        List<String> parts = new ArrayList<>();
        if (type.equals("hash")) {
            for (int i = 0; i + 1 < items.size(); i += 2) {
                parts.add(flatten("", items.get(i)) + "=" + flatten("", items.get(i + 1)));
            }
        } else {
            items.forEach(item -> parts.add(flatten("", item)));
        }
        if (type.equals("hash") || type.equals("set")) {
            java.util.Collections.sort(parts);
        }
        return parts.toString();
    }

    private static String latin1(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(reply);
    }

    long restored() {
        return restored;
    }

    long deleted() {
        return deleted;
    }

    long copiedByType() {
        return typed.copied();
    }

    String typedBecause() {
        return typedBecause;
    }

    private static Connection connection(Map<Integer, Connection> pool, RedisNode node, String suffix, int db) {
        return pool.computeIfAbsent(db, d -> RawConnections.open(node, suffix + "-db" + d, TIMEOUT_MILLIS, d));
    }

    @Override
    public void close() {
        onA.values().forEach(Connection::close);
        onB.values().forEach(Connection::close);
        onA.clear();
        onB.clear();
    }
}
