package dev.ferry.core.verify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import redis.clients.jedis.exceptions.JedisDataException;

/** Raw RESP2 replies as Jedis returns them (byte[], Long, List, null, or an error object), compared by content. */
final class Replies {
    private Replies() {
    }

    static boolean isError(Object reply) {
        return reply instanceof JedisDataException;
    }

    static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    static long number(Object reply) {
        return reply instanceof Long l ? l : Long.parseLong(text(reply));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object reply) {
        return reply instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** Nested replies (a stream range: ids, field lists) equal element by element. */
    static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    /** HGETALL-style alternating field, value replies as a map (dict order differs between servers). */
    static Map<ByteBuffer, ByteBuffer> pairs(Object reply) {
        return alternating(reply, Replies::wrap);
    }

    /** ZRANGE WITHSCORES as member to score: scores by value, because servers format floats differently. */
    static Map<ByteBuffer, Double> scores(Object reply) {
        return alternating(reply, Replies::score);
    }

    /** An alternating key, value, key, value reply as a map, each value read by {@code value}. */
    private static <V> Map<ByteBuffer, V> alternating(Object reply, Function<Object, V> value) {
        List<Object> flat = list(reply);
        Map<ByteBuffer, V> map = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(wrap(flat.get(i)), value.apply(flat.get(i + 1)));
        }
        return map;
    }

    /**
     * Fields of XINFO GROUPS that every version gives and a replica must share. Not the consumer count: an idle
     * consumer (nothing pending) is not always replicated, and one missing costs nothing.
     */
    private static final List<String> GROUP_FIELDS = List.of("name", "pending", "last-delivered-id");

    /** XINFO GROUPS as one line per group (sorted by name), with the fields every version reports. */
    static Set<String> groups(Object reply) {
        Set<String> groups = new java.util.TreeSet<>();
        for (Object group : list(reply)) {
            List<Object> flat = list(group);
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                fields.put(text(flat.get(i)), text(flat.get(i + 1)));
            }
            StringBuilder line = new StringBuilder();
            GROUP_FIELDS.forEach(f -> line.append(line.length() == 0 ? "" : " ").append(f).append('=').append(fields.get(f)));
            groups.add(line.toString());
        }
        return groups;
    }

    static Set<ByteBuffer> members(Object reply) {
        List<Object> flat = list(reply);
        Set<ByteBuffer> set = new HashSet<>(flat.size() * 2);
        flat.forEach(m -> set.add(wrap(m)));
        return set;
    }

    static Double score(Object reply) {
        if (reply == null) {
            return null;
        }
        String s = text(reply);
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.valueOf(s);
        };
    }

    static ByteBuffer wrap(Object reply) {
        return ByteBuffer.wrap(reply instanceof byte[] b ? b : text(reply).getBytes(StandardCharsets.UTF_8));
    }
}
