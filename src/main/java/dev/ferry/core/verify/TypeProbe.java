package dev.ferry.core.verify;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Type, PTTL and, for strings, the value of a batch of keys on both servers, touching each key in two adjacent
 * commands: PTTL then {@code GETRANGE key 0 HEAD}. Adjacent, because the first lookup of a key is what costs a
 * server (a cache miss through its dict), the second finds it warm. GETRANGE fails on a non-string, which is how
 * the usual all-strings batch avoids TYPE; a second round asks TYPE for the rest and STRLEN for strings longer
 * than {@link KeyComparer#STRING_HEAD}, which are compared a chunk at a time, never read whole here.
 */
final class TypeProbe {
    private static final byte[] ZERO = "0".getBytes(StandardCharsets.US_ASCII);
    /** One byte past the head: a reply that long means the string goes on. */
    private static final byte[] HEAD_END = Integer.toString(KeyComparer.STRING_HEAD).getBytes(StandardCharsets.US_ASCII);

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

        Side(int n) {
            type = new String[n];
            pttl = new long[n];
            head = new Object[n];
        }
    }

    private TypeProbe() {
    }

    static List<Side> probe(KeyReader left, KeyReader right, List<byte[]> keys) {
        for (byte[] k : keys) {
            for (KeyReader r : List.of(left, right)) {
                r.add("PTTL", k);
                r.add("GETRANGE", k, ZERO, HEAD_END);
            }
        }
        int nl = left.send();
        int nr = right.send();
        Side l = first(keys.size(), left.receive(nl));
        Side r = first(keys.size(), right.receive(nr));
        nl = second(left, keys, l);
        nr = second(right, keys, r);
        finish(l, left.receive(nl));
        finish(r, right.receive(nr));
        return List.of(l, r);
    }

    private static Side first(int n, List<Object> replies) {
        Side side = new Side(n);
        for (int i = 0; i < n; i++) {
            Object pttl = replies.get(2 * i);
            Object head = replies.get(2 * i + 1);
            if (Replies.isError(pttl)) {
                side.error = Replies.text(pttl);
                side.type[i] = "?";
                continue;
            }
            side.pttl[i] = Replies.number(pttl);
            if (side.pttl[i] == -2) {
                side.type[i] = "none";
            } else if (head instanceof byte[] value) {
                // a key deleted between the two commands reads as "": a difference, if any, is re-checked
                side.type[i] = "string";
                side.head[i] = value.length > KeyComparer.STRING_HEAD ? null : value;
            }
        }
        return side;
    }

    /** Queues STRLEN of the long strings and TYPE of the non-strings; returns the replies to read. */
    private static int second(KeyReader reader, List<byte[]> keys, Side side) {
        for (int i = 0; i < keys.size(); i++) {
            if (side.type[i] == null) {
                reader.add("TYPE", keys.get(i));
            } else if ("string".equals(side.type[i]) && side.head[i] == null) {
                reader.add("STRLEN", keys.get(i));
            }
        }
        return reader.send();
    }

    private static void finish(Side side, List<Object> replies) {
        int next = 0;
        for (int i = 0; i < side.type.length; i++) {
            if (side.type[i] == null) {
                Object type = replies.get(next++);
                side.type[i] = Replies.isError(type) ? "?" : Replies.text(type);
            } else if ("string".equals(side.type[i]) && side.head[i] == null) {
                Object length = replies.get(next++);
                side.head[i] = length instanceof Long n ? new BigString(n) : null;
            }
        }
    }
}
