package dev.ferry.core.sync;

import dev.ferry.core.redis.RedisNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What the keyspace notifications never tell (Redis 7.0 publishes no event for {@code FLUSHDB}, {@code FLUSHALL}
 * or {@code SWAPDB}): ferry keeps one sentinel key in every database of a, whose value names its database, and
 * reads them all back (one pipeline) every {@link LogicalSync} check. A sentinel gone means its database was
 * flushed; a sentinel naming another database means the two were swapped. Only ferry writes the sentinels, so a
 * disturbed one stays disturbed until ferry has seen it and planted it again: no flush or swap goes unseen,
 * however short. (A sentinel evicted or deleted by hand looks like a flush: a needless rescan, never a gap.)
 */
final class DatabaseSentinels implements AutoCloseable {
    /** How many databases a server may have that ferry looks for (SELECT answers an error past the last). */
    private static final int MAX_DATABASES = 4096;
    private static final int PROBE_BATCH = 64;

    private final RedisNode a;
    private final byte[] key;
    private final Connection connection;
    private final int databases;

    DatabaseSentinels(RedisNode a, String key) {
        this.a = a;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.connection = RawConnections.open(a, "sentinels", 10_000, 0);
        this.databases = countDatabases();
    }

    /** The value of database {@code db}'s sentinel. */
    static String value(int db) {
        return "ferry sentinel of db " + db;
    }

    /** The number of databases of a: SELECT n in batches until a refusal (CONFIG GET databases may be refused). */
    private int countDatabases() {
        int n = 0;
        while (n < MAX_DATABASES) {
            for (int db = n; db < n + PROBE_BATCH; db++) {
                connection.sendCommand(RawConnections.command(a, "SELECT", db));
            }
            List<Object> replies = connection.getMany(PROBE_BATCH);
            for (Object reply : replies) {
                if (reply instanceof JedisDataException) {
                    select(0);
                    return Math.max(1, n);
                }
                n++;
            }
        }
        select(0);
        return n;
    }

    private void select(int db) {
        connection.sendCommand(RawConnections.command(a, "SELECT", db));
        connection.getOne();
    }

    int databases() {
        return databases;
    }

    /** Sets the sentinel of each of {@code dbs} (its own name). */
    void plant(Collection<Integer> dbs) {
        for (int db : dbs) {
            connection.sendCommand(RawConnections.command(a, "SELECT", db));
            connection.sendCommand(RawConnections.command(a, "SET", key, value(db)));
        }
        connection.sendCommand(RawConnections.command(a, "SELECT", 0));
        failOnError(connection.getMany(dbs.size() * 2 + 1));
    }

    void plantAll() {
        plant(all());
    }

    private List<Integer> all() {
        List<Integer> dbs = new ArrayList<>();
        for (int db = 0; db < databases; db++) {
            dbs.add(db);
        }
        return dbs;
    }

    /** The databases whose sentinel is not as planted, each with what happened to it; empty when none. */
    Map<Integer, String> disturbed() {
        for (int db = 0; db < databases; db++) {
            connection.sendCommand(RawConnections.command(a, "SELECT", db));
            connection.sendCommand(RawConnections.command(a, "GET", key));
        }
        connection.sendCommand(RawConnections.command(a, "SELECT", 0));
        List<Object> replies = connection.getMany(databases * 2 + 1);
        failOnError(replies);
        List<String> values = new ArrayList<>();
        for (int db = 0; db < databases; db++) {
            Object v = replies.get(2 * db + 1);
            values.add(v instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null);
        }
        return judge(values);
    }

    /** What each database's sentinel value (null: none) says happened to it. */
    static Map<Integer, String> judge(List<String> values) {
        Map<Integer, String> disturbed = new LinkedHashMap<>();
        for (int db = 0; db < values.size(); db++) {
            String v = values.get(db);
            if (v == null) {
                disturbed.put(db, "db " + db + " was flushed (FLUSHDB or FLUSHALL on a)");
            } else if (!v.equals(value(db))) {
                String other = v.startsWith(value(0).substring(0, value(0).length() - 1))
                        ? v.substring(value(0).length() - 1) : "?";
                disturbed.put(db, "db " + db + " holds db " + other + "'s keys (SWAPDB on a)");
            }
        }
        return disturbed;
    }

    private static void failOnError(List<Object> replies) {
        for (Object reply : replies) {
            if (reply instanceof JedisDataException e) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
