package dev.ferry.core.verify;

import dev.ferry.core.redis.Info;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Type, PTTL and, for strings, the value of a batch of keys on both servers, touching each key as few times as
 * possible: the first lookup of a key is what costs a server (a cache miss through its dict). The first round
 * is {@code INFO keyspace} then {@code GETRANGE key 0 HEAD} per key: when the database holds no key with a TTL at
 * that moment, every key's PTTL is known without asking. Otherwise the second round asks PTTL per key (warm by
 * then). GETRANGE fails on a non-string, which is how the usual all-strings batch avoids TYPE; the second round
 * asks TYPE for the rest (and for empty replies, which a missing key gives too) and STRLEN for strings longer
 * than {@link KeyComparer#STRING_HEAD}, which are compared a chunk at a time, never read whole here.
 */
final class TypeProbe {
    private static final byte[] ZERO = "0".getBytes(StandardCharsets.US_ASCII);
    /** One byte past the head: a reply that long means the string goes on. */
    private static final byte[] HEAD_END = Integer.toString(KeyComparer.STRING_HEAD).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYSPACE = "keyspace".getBytes(StandardCharsets.US_ASCII);

    /** A string too long to read in a batch. */
    record BigString(long length) {
    }

    /** What one server said about each key of the batch. */
    static final class Side {
        final String[] type;
        final long[] pttl;
        /** The string's value or a {@link BigString}; else unused. */
        final Object[] head;
        String error;
        /** No key of the database had a TTL when the batch was read. */
        boolean ttlFree;
        /** What the second round asked per key: TYPE, STRLEN or neither. */
        final String[] asked;
        /** PTTL came in the first round. */
        boolean ttlsRead;

        Side(int n) {
            type = new String[n];
            pttl = new long[n];
            head = new Object[n];
            asked = new String[n];
        }

        boolean needsTtls() {
            return !ttlFree && !ttlsRead;
        }

        /** Whether the database held keys with a TTL: the next batch asks PTTL at once. */
        boolean hadTtls() {
            return !ttlFree;
        }
    }

    private TypeProbe() {
    }

    /**
     * {@code leftTtls}/{@code rightTtls}: the previous batch found TTLs in that server's database, so PTTL goes
     * in the first round, next to GETRANGE, where the key is warm; otherwise the first round does without it.
     */
    static List<Side> probe(int db, KeyReader left, KeyReader right, List<byte[]> keys, boolean leftTtls,
            boolean rightTtls) {
        first(left, keys, leftTtls);
        first(right, keys, rightTtls);
        int nl = left.send();
        int nr = right.send();
        Side l = first(db, keys.size(), leftTtls, left.receive(nl));
        Side r = first(db, keys.size(), rightTtls, right.receive(nr));
        nl = second(left, keys, l);
        nr = second(right, keys, r);
        finish(l, left.receive(nl));
        finish(r, right.receive(nr));
        return List.of(l, r);
    }

    private static void first(KeyReader reader, List<byte[]> keys, boolean withTtls) {
        reader.add("INFO", KEYSPACE);
        for (byte[] k : keys) {
            if (withTtls) {
                reader.add("PTTL", k);
            }
            reader.add("GETRANGE", k, ZERO, HEAD_END);
        }
    }

    private static Side first(int db, int n, boolean withTtls, List<Object> replies) {
        Side side = new Side(n);
        Object info = replies.get(0);
        side.ttlFree = !Replies.isError(info) && Info.parse(Replies.text(info)).expiresIn(db) == 0;
        side.ttlsRead = withTtls;
        int next = 1;
        for (int i = 0; i < n; i++) {
            side.pttl[i] = -1;
            if (withTtls) {
                Object pttl = replies.get(next++);
                if (Replies.isError(pttl)) {
                    side.type[i] = unreadable(side, pttl);
                } else {
                    side.pttl[i] = Replies.number(pttl);
                }
            }
            Object head = replies.get(next++);
            if (side.type[i] != null) {
                continue; // unreadable already
            }
            if (head instanceof byte[] value && value.length > 0) {
                side.type[i] = "string";
                side.head[i] = value.length > KeyComparer.STRING_HEAD ? null : value;
            } else if (head instanceof byte[] empty) {
                side.head[i] = empty; // an empty string, or no key: TYPE tells
            }
        }
        return side;
    }

    /** Queues PTTL (when the database had TTLs and it is not read yet), TYPE and STRLEN where needed. */
    private static int second(KeyReader reader, List<byte[]> keys, Side side) {
        for (int i = 0; i < keys.size(); i++) {
            if (side.needsTtls()) {
                reader.add("PTTL", keys.get(i));
            }
            side.asked[i] = side.type[i] == null ? "TYPE"
                    : side.type[i].equals("string") && side.head[i] == null ? "STRLEN" : null;
            if (side.asked[i] != null) {
                reader.add(side.asked[i], keys.get(i));
            }
        }
        return reader.send();
    }

    private static String unreadable(Side side, Object error) {
        side.error = ((Exception) error).getMessage();
        return "?";
    }

    private static void finish(Side side, List<Object> replies) {
        int next = 0;
        for (int i = 0; i < side.type.length; i++) {
            Object pttl = side.needsTtls() ? replies.get(next++) : null;
            Object asked = side.asked[i] == null ? null : replies.get(next++);
            if ("TYPE".equals(side.asked[i])) {
                side.type[i] = Replies.isError(asked) ? unreadable(side, asked) : Replies.text(asked);
            } else if (asked != null) {
                side.head[i] = asked instanceof Long n ? new BigString(n) : null;
            }
            if (pttl != null) {
                if (Replies.isError(pttl)) {
                    side.type[i] = unreadable(side, pttl);
                } else {
                    side.pttl[i] = Replies.number(pttl);
                }
            }
            if (side.pttl[i] == -2 || side.type[i].equals("none")) {
                side.type[i] = "none"; // gone, by either reply: a difference, if any, is re-checked
                side.pttl[i] = -2;
            }
        }
    }
}
