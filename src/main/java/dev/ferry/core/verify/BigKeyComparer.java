package dev.ferry.core.verify;

import static dev.ferry.core.verify.Difference.printable;

import dev.ferry.core.redis.StreamIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares one big key of equal length on both sides, a chunk at a time, so memory stays flat whatever the key's
 * size. Hashes, sets and sorted sets are scanned on the left and looked up on the right: with equal lengths,
 * "every left element is on the right with the same value" means equal. Lists and streams are read in ranges.
 */
final class BigKeyComparer {
    static final int CHUNK = 1000;
    /** Bytes of a long string read at once from each side: few round trips, little memory. */
    static final int STRING_CHUNK = 1 << 20;
    private static final byte[] COUNT = bytes("COUNT");
    private static final byte[] CHUNK_TEXT = bytes(Integer.toString(CHUNK));

    private final KeyReader left;
    private final KeyReader right;

    BigKeyComparer(KeyReader left, KeyReader right) {
        this.left = left;
        this.right = right;
    }

    /** Empty when equal, else what differs. {@code length} is the same on both sides. */
    Optional<String> compare(String type, byte[] key, long length) {
        return Optional.ofNullable(switch (type) {
            case "string" -> string(key, length);
            case "list" -> list(key, length);
            case "hash" -> scanned(key, length, "HSCAN", true);
            case "set" -> scanned(key, length, "SSCAN", false);
            case "zset" -> scanned(key, length, "ZSCAN", true);
            case "stream" -> stream(key, length);
            default -> throw new IllegalArgumentException("no chunked compare for type " + type);
        });
    }

    private String string(byte[] key, long length) {
        int chunk = STRING_CHUNK;
        for (long from = 0; from < length; from += chunk) {
            Object a = one(left, "GETRANGE", key, num(from), num(from + chunk - 1));
            Object b = one(right, "GETRANGE", key, num(from), num(from + chunk - 1));
            if (!Replies.deepEquals(a, b)) {
                return a instanceof byte[] x && b instanceof byte[] y ? firstDifference(x, y, from)
                        : "read failed: " + a + " / " + b;
            }
        }
        return null;
    }

    private String list(byte[] key, long length) {
        for (long from = 0; from < length; from += CHUNK) {
            Object a = one(left, "LRANGE", key, num(from), num(from + CHUNK - 1));
            Object b = one(right, "LRANGE", key, num(from), num(from + CHUNK - 1));
            if (!Replies.deepEquals(a, b)) {
                return "list elements differ in range " + from + ".." + (from + CHUNK - 1);
            }
        }
        return null;
    }

    /** *SCAN on the left, a pipelined lookup per element on the right. */
    private String scanned(byte[] key, long length, String scan, boolean withValues) {
        byte[] cursor = bytes("0");
        long maxRounds = length + 1000; // SCAN ends at cursor 0; this only guards against a server bug
        for (long round = 0; round < maxRounds; round++) {
            List<Object> reply = Replies.list(one(left, scan, key, cursor, COUNT, CHUNK_TEXT));
            if (reply.size() < 2) {
                return scan + " failed on " + left.label();
            }
            String diff = lookUp(scan, key, Replies.list(reply.get(1)), withValues);
            if (diff != null) {
                return diff;
            }
            cursor = (byte[]) reply.get(0);
            if (Arrays.equals(cursor, bytes("0"))) {
                return null;
            }
        }
        return scan + " of " + printable(key) + " did not finish";
    }

    /**
     * One command per chunk where the right side has it (HMGET; SMISMEMBER and ZMSCORE since 6.2), else one
     * pipelined lookup per element.
     */
    private String lookUp(String scan, byte[] key, List<Object> elements, boolean withValues) {
        int step = withValues ? 2 : 1;
        List<byte[]> members = new ArrayList<>();
        for (int i = 0; i < elements.size(); i += step) {
            members.add((byte[]) elements.get(i));
        }
        if (members.isEmpty()) {
            return null;
        }
        List<Object> found = lookUpOnRight(scan, key, members);
        for (int i = 0; i < members.size(); i++) {
            Object expected = withValues ? elements.get(i * 2 + 1) : null;
            Object actual = i < found.size() ? found.get(i) : null;
            boolean same = switch (scan) {
                case "HSCAN" -> Replies.deepEquals(expected, actual);
                case "SSCAN" -> Long.valueOf(1).equals(actual);
                default -> actual instanceof byte[] && Objects.equals(Replies.score(expected), Replies.score(actual));
            };
            if (!same) {
                return "element " + printable(members.get(i)) + " differs on " + right.label();
            }
        }
        return null;
    }

    private List<Object> lookUpOnRight(String scan, byte[] key, List<byte[]> members) {
        boolean multi = scan.equals("HSCAN") || right.version().atLeast(6, 2);
        if (multi) {
            String command = switch (scan) {
                case "HSCAN" -> "HMGET";
                case "SSCAN" -> "SMISMEMBER";
                default -> "ZMSCORE";
            };
            byte[][] args = new byte[members.size() + 1][];
            args[0] = key;
            for (int i = 0; i < members.size(); i++) {
                args[i + 1] = members.get(i);
            }
            return Replies.list(one(right, command, args));
        }
        for (byte[] member : members) {
            right.add(scan.equals("SSCAN") ? "SISMEMBER" : "ZSCORE", key, member);
        }
        return right.flush();
    }

    private String stream(byte[] key, long length) {
        byte[] start = bytes("-");
        for (long read = 0; read <= length; ) {
            List<Object> a = Replies.list(one(left, "XRANGE", key, start, bytes("+"), COUNT, CHUNK_TEXT));
            Object b = one(right, "XRANGE", key, start, bytes("+"), COUNT, CHUNK_TEXT);
            if (!Replies.deepEquals(a, b)) {
                return "stream entries differ after id " + Replies.text(start);
            }
            if (a.size() < CHUNK) {
                return null;
            }
            read += a.size();
            start = nextId((byte[]) Replies.list(a.get(a.size() - 1)).get(0));
        }
        return null;
    }

    /** The smallest stream id after {@code id} (see {@link StreamIds#next}). */
    static byte[] nextId(byte[] id) {
        return StreamIds.next(id);
    }

    private static Object one(KeyReader reader, String command, byte[]... args) {
        reader.add(command, args);
        Object reply = reader.flush().get(0);
        if (Replies.isError(reply)) {
            // the key changed type under us: report it as different, the re-check rounds will settle it
            return reply.toString();
        }
        return reply;
    }

    static String firstDifference(byte[] a, byte[] b, long offset) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return "strings differ at byte " + (offset + i) + (a.length != b.length && offset == 0
                ? " (" + a.length + " bytes vs " + b.length + ")" : "");
    }

    private static byte[] num(long n) {
        return bytes(Long.toString(n));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
