package dev.ferry.core.sync;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.StreamIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The copy by type, for keys whose DUMP payload b refuses (a newer RDB version toward an older b, another fork)
 * and for big keys: a key is read from a in chunks ({@code GETRANGE}, {@code LRANGE} ranges, {@code SSCAN},
 * {@code ZSCAN}, {@code HSCAN}, {@code XRANGE} ranges) and each chunk written on b as it comes ({@code SET}/
 * {@code APPEND}, {@code RPUSH}, {@code SADD}, {@code ZADD}, {@code HSET}, {@code XADD}), the TTL last
 * ({@code PEXPIRE}); a whole big key is never held in memory. The first chunk of every key of a batch is read and
 * written in one pipeline each way; only keys with more chunks go on, one key at a time.
 *
 * <p>The chunks of one key are not read atomically: a key changed during its copy is dirty again (its event comes
 * after the change) and copied again, as for DUMP. Inside the fence a does not change. A stream keeps its entries,
 * its last id and its consumer groups' last delivered ids; not the groups' pending entries or consumers.
 */
final class TypedCopier {
    static final int ELEMENTS_PER_CHUNK = 256;
    static final int STRING_CHUNK_BYTES = 64 * 1024;
    private static final String CHUNK = Integer.toString(ELEMENTS_PER_CHUNK);

    private final RedisNode a;
    private final RedisNode b;
    private long copied;

    TypedCopier(RedisNode a, RedisNode b) {
        this.a = a;
        this.b = b;
    }

    /** Where one key's copy stands: its type, what is read next, whether more is to come. */
    private static final class Cursor {
        final byte[] key;
        final String type;
        final long pttl;
        /** string: byte offset; list: index; set, zset, hash: scan cursor; stream: the next id. */
        Object next;
        boolean more = true;
        boolean first = true;
        long written;

        Cursor(byte[] key, String type, long pttl) {
            this.key = key;
            this.type = type;
            this.pttl = pttl;
            this.next = switch (type) {
                case "string", "list" -> 0L;
                case "stream" -> "-";
                default -> "0";
            };
        }
    }

    /** Copies {@code keys} (of the database {@code from} and {@code to} have selected) by type; returns deletions. */
    int copy(Connection from, Connection to, List<byte[]> keys) {
        for (byte[] key : keys) {
            from.sendCommand(RawConnections.command(a, "TYPE", key));
            from.sendCommand(RawConnections.command(a, "PTTL", key));
        }
        List<Object> read = from.getMany(keys.size() * 2);
        List<Cursor> cursors = new ArrayList<>();
        int deleted = 0;
        for (int i = 0; i < keys.size(); i++) {
            String type = text(fail(read.get(2 * i), "TYPE", a));
            long pttl = (Long) fail(read.get(2 * i + 1), "PTTL", a);
            if (type.equals("none") || pttl == -2) {
                to.sendCommand(RawConnections.command(b, "DEL", keys.get(i)));
                to.getOne();
                deleted++;
            } else if (List.of("string", "list", "set", "zset", "hash", "stream").contains(type)) {
                cursors.add(new Cursor(keys.get(i), type, pttl));
            } else {
                throw new FerryException(ExitCode.STOPPED, "the logical copy cannot copy " + text(keys.get(i)) + " of type "
                        + type + " by type, and b refuses its DUMP payload (a module type: load the module on b, at a's version)");
            }
        }
        // the first chunk of every key in one pipeline each way, then the rest key by key
        step(from, to, cursors);
        for (Cursor c : cursors) {
            while (c.more) {
                step(from, to, List.of(c));
            }
            finish(from, to, c);
            copied++;
        }
        return deleted;
    }

    private void step(Connection from, Connection to, List<Cursor> cursors) {
        for (Cursor c : cursors) {
            from.sendCommand(readChunk(c));
        }
        List<Object> chunks = from.getMany(cursors.size());
        int writes = 0;
        for (int i = 0; i < cursors.size(); i++) {
            writes += write(to, cursors.get(i), chunks.get(i));
        }
        for (Object reply : to.getMany(writes)) {
            fail(reply, "the typed write", b);
        }
    }

    private redis.clients.jedis.CommandArguments readChunk(Cursor c) {
        return switch (c.type) {
            case "string" -> RawConnections.command(a, "GETRANGE", c.key, c.next, (Long) c.next + STRING_CHUNK_BYTES - 1);
            case "list" -> RawConnections.command(a, "LRANGE", c.key, c.next, (Long) c.next + ELEMENTS_PER_CHUNK - 1);
            case "set" -> RawConnections.command(a, "SSCAN", c.key, c.next, "COUNT", CHUNK);
            case "zset" -> RawConnections.command(a, "ZSCAN", c.key, c.next, "COUNT", CHUNK);
            case "hash" -> RawConnections.command(a, "HSCAN", c.key, c.next, "COUNT", CHUNK);
            default -> RawConnections.command(a, "XRANGE", c.key, c.next, "+", "COUNT", CHUNK);
        };
    }

    /** Sends the writes of one chunk to b (the key emptied first, with its first chunk); returns how many. */
    private int write(Connection to, Cursor c, Object chunk) {
        if (chunk instanceof JedisDataException e && e.getMessage().startsWith("WRONGTYPE")) {
            c.more = false; // the key changed type under us: it is dirty again and will be copied again
            return 0;
        }
        fail(chunk, "the typed read", a);
        int writes = 0;
        if (c.first && !c.type.equals("string")) {
            to.sendCommand(RawConnections.command(b, "DEL", c.key));
            writes++;
        }
        List<Object> items = new ArrayList<>();
        switch (c.type) {
            case "string" -> {
                byte[] bytes = (byte[]) chunk;
                to.sendCommand(RawConnections.command(b, c.first ? "SET" : "APPEND", c.key, bytes));
                writes++;
                c.next = (Long) c.next + bytes.length;
                c.more = bytes.length == STRING_CHUNK_BYTES;
            }
            case "list" -> {
                items.addAll((List<?>) chunk);
                writes += send(to, "RPUSH", c.key, items);
                c.next = (Long) c.next + items.size();
                c.more = items.size() == ELEMENTS_PER_CHUNK;
            }
            case "set", "hash", "zset" -> {
                List<?> page = (List<?>) chunk;
                items.addAll((List<?>) page.get(1));
                if (c.type.equals("zset")) { // ZSCAN gives member, score; ZADD takes score, member
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        Object member = items.get(i);
                        items.set(i, items.get(i + 1));
                        items.set(i + 1, member);
                    }
                }
                writes += send(to, c.type.equals("set") ? "SADD" : c.type.equals("zset") ? "ZADD" : "HSET", c.key, items);
                c.next = text(page.get(0));
                c.more = !"0".equals(c.next);
            }
            default -> { // stream: each entry is [id, [field, value, ...]]
                List<?> entries = (List<?>) chunk;
                for (Object e : entries) {
                    List<?> entry = (List<?>) e;
                    List<Object> args = new ArrayList<>();
                    args.add(entry.get(0));
                    args.addAll((List<?>) entry.get(1));
                    writes += send(to, "XADD", c.key, args);
                }
                c.written += entries.size();
                if (!entries.isEmpty()) {
                    c.next = text(StreamIds.next((byte[]) ((List<?>) entries.get(entries.size() - 1)).get(0)));
                }
                c.more = entries.size() == ELEMENTS_PER_CHUNK;
            }
        }
        c.first = false;
        return writes;
    }

    private int send(Connection to, String command, byte[] key, List<Object> args) {
        if (args.isEmpty()) {
            return 0;
        }
        Object[] all = new Object[args.size() + 1];
        all[0] = key;
        for (int i = 0; i < args.size(); i++) {
            all[i + 1] = args.get(i);
        }
        to.sendCommand(RawConnections.command(b, command, all));
        return 1;
    }

    /** After the last chunk: a stream's last id and groups, then the TTL. */
    private void finish(Connection from, Connection to, Cursor c) {
        int writes = 0;
        if (c.type.equals("stream")) {
            writes += streamMeta(from, to, c);
        }
        if (c.pttl > 0) {
            to.sendCommand(RawConnections.command(b, "PEXPIRE", c.key, c.pttl));
            writes++;
        }
        for (Object reply : to.getMany(writes)) {
            fail(reply, "the typed write", b);
        }
    }

    private int streamMeta(Connection from, Connection to, Cursor c) {
        from.sendCommand(RawConnections.command(a, "XINFO", "STREAM", c.key));
        from.sendCommand(RawConnections.command(a, "XINFO", "GROUPS", c.key));
        List<Object> info = from.getMany(2);
        if (info.get(0) instanceof JedisDataException) {
            return 0; // gone or changed meanwhile: dirty again
        }
        Object lastId = field((List<?>) info.get(0), "last-generated-id");
        int writes = 0;
        if (lastId != null && c.written > 0) {
            to.sendCommand(RawConnections.command(b, "XSETID", c.key, lastId)); // ids on b go on after a's
            writes++;
        } else if (lastId != null && !"0-0".equals(text(lastId))) {
            // a stream whose every entry was deleted keeps its last id: an entry at that id, deleted, does the same
            to.sendCommand(RawConnections.command(b, "XADD", c.key, lastId, "f", "v"));
            to.sendCommand(RawConnections.command(b, "XDEL", c.key, lastId));
            writes += 2;
        }
        if (info.get(1) instanceof List<?> groups) {
            for (Object g : groups) {
                Object name = field((List<?>) g, "name");
                Object delivered = field((List<?>) g, "last-delivered-id");
                to.sendCommand(RawConnections.command(b, "XGROUP", "CREATE", c.key, name, delivered, "MKSTREAM"));
                writes++;
            }
        }
        return writes;
    }

    private static Object field(List<?> flat, String name) {
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (name.equals(text(flat.get(i)))) {
                return flat.get(i + 1);
            }
        }
        return null;
    }

    long copied() {
        return copied;
    }

    private static Object fail(Object reply, String what, RedisNode node) {
        if (reply instanceof JedisDataException e) {
            throw new FerryException(ExitCode.STOPPED, "the logical copy's " + what + " on " + node.label() + " ("
                    + node.address() + ") failed: " + e.getMessage());
        }
        return reply;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : String.valueOf(reply);
    }
}
