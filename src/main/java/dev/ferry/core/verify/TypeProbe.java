package dev.ferry.core.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * Type, PTTL and, for strings, the value of a batch of keys on both servers in two pipelined rounds with as few
 * commands as the server has to parse: PTTL and STRLEN per key (STRLEN fails on a non-string, which is how the
 * usual all-strings batch avoids TYPE), then one MGET for the strings up to {@link KeyComparer#STRING_HEAD} and
 * TYPE only for the rest. A longer string is not read here: it is compared a chunk at a time.
 */
final class TypeProbe {
    /** A string too long to read in a batch. */
    record BigString(long length) {
    }

    /** What one server said about each key of the batch. */
    static final class Side {
        final String[] type;
        final long[] pttl;
        /** The string's value, a {@link BigString}, null when it vanished between the rounds; else unused. */
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
                r.add("STRLEN", k);
            }
        }
        int nl = left.send();
        int nr = right.send();
        Side l = first(keys.size(), left.receive(nl));
        Side r = first(keys.size(), right.receive(nr));
        nl = second(left, keys, l);
        nr = second(right, keys, r);
        finish(keys, l, left.receive(nl));
        finish(keys, r, right.receive(nr));
        return List.of(l, r);
    }

    private static Side first(int n, List<Object> replies) {
        Side side = new Side(n);
        for (int i = 0; i < n; i++) {
            Object pttl = replies.get(2 * i);
            Object strlen = replies.get(2 * i + 1);
            if (Replies.isError(pttl)) {
                side.error = Replies.text(pttl);
                side.type[i] = "?";
                continue;
            }
            side.pttl[i] = Replies.number(pttl);
            if (side.pttl[i] == -2) {
                side.type[i] = "none";
            } else if (strlen instanceof Long len) {
                side.type[i] = "string";
                side.head[i] = len > KeyComparer.STRING_HEAD ? new BigString(len) : null;
            }
        }
        return side;
    }

    /** Queues MGET of the short strings and TYPE of the non-strings; returns the replies to read. */
    private static int second(KeyReader reader, List<byte[]> keys, Side side) {
        List<byte[]> shortStrings = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if ("string".equals(side.type[i]) && side.head[i] == null) {
                shortStrings.add(keys.get(i));
            }
        }
        if (!shortStrings.isEmpty()) {
            reader.add("MGET", shortStrings.toArray(new byte[0][]));
        }
        for (int i = 0; i < keys.size(); i++) {
            if (side.type[i] == null) {
                reader.add("TYPE", keys.get(i));
            }
        }
        return reader.send();
    }

    private static void finish(List<byte[]> keys, Side side, List<Object> replies) {
        int next = 0;
        boolean anyShort = false;
        for (int i = 0; i < keys.size(); i++) {
            anyShort |= "string".equals(side.type[i]) && side.head[i] == null;
        }
        List<Object> values = anyShort ? Replies.list(replies.get(next++)) : List.of();
        int v = 0;
        for (int i = 0; i < keys.size(); i++) {
            if ("string".equals(side.type[i]) && side.head[i] == null) {
                side.head[i] = v < values.size() ? values.get(v) : null;
                v++;
            } else if (side.type[i] == null) {
                Object type = replies.get(next++);
                side.type[i] = Replies.isError(type) ? "?" : Replies.text(type);
            }
        }
    }
}
