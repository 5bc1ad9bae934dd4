package dev.ferry.core.verify;

import static dev.ferry.core.verify.Difference.printable;

import dev.ferry.core.verify.Difference.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Compares a batch of keys on two servers in a few pipelined rounds: type, TTL and short strings
 * ({@link TypeProbe}), then collection lengths, then DUMP of small collections, settled by a typed compare when the
 * payloads differ (encodings and dict order differ between servers). Big keys go to {@link BigKeyComparer} and
 * are read in chunks, never whole.
 */
final class KeyComparer {
    /** Strings up to this size are compared in the batch; longer ones a chunk at a time. */
    static final int STRING_HEAD = 8 * 1024;
    static final int SMALL_ELEMENTS = 512;
    private static final byte[] ZERO = "0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINUS_ONE = "-1".getBytes(StandardCharsets.US_ASCII);

    private final KeyReader left;
    private final KeyReader right;
    private final String pair;
    private final long toleranceMillis;
    private final BigKeyComparer big;
    /** What the last batch found: a database with TTLs is likely to have them in the next batch too. */
    private boolean leftHadTtls;
    private boolean rightHadTtls;

    KeyComparer(KeyReader left, KeyReader right, String pair, long toleranceMillis) {
        this.left = left;
        this.right = right;
        this.pair = pair;
        this.toleranceMillis = toleranceMillis;
        this.big = new BigKeyComparer(left, right);
    }

    /** One key being compared: what each side said so far, and the first difference found. */
    private static final class Probe {
        final byte[] key;
        String type;
        long ttlLeft;
        long ttlRight;
        Difference difference;
        Difference ttlDifference;
        /** True for strings: the type probe read them already. */
        boolean headed;
        Object headLeft;
        Object headRight;

        Probe(byte[] key) {
            this.key = key;
        }
    }

    /** Keys of this batch that differ (not yet re-checked); {@code tally} counts keys per type, or is null. */
    List<Suspect> compare(int db, List<byte[]> keys, Tally tally) {
        left.select(db);
        right.select(db);
        List<Probe> probes = new ArrayList<>(keys.size());
        keys.forEach(k -> probes.add(new Probe(k)));
        List<Probe> present = typesAndTtls(db, probes, tally);
        List<Probe> small = heads(db, present);
        List<Probe> unequalDumps = dumps(small);
        typed(db, unequalDumps);
        consumerGroups(db, present);
        List<Suspect> out = new ArrayList<>();
        for (Probe p : probes) {
            Difference d = p.difference != null ? p.difference : p.ttlDifference;
            if (d != null) {
                out.add(new Suspect(db, p.key, d));
            }
        }
        return out;
    }

    private List<Probe> typesAndTtls(int db, List<Probe> probes, Tally tally) {
        List<TypeProbe.Side> sides = TypeProbe.probe(db, left, right, probes.stream().map(p -> p.key).toList(),
                leftHadTtls, rightHadTtls);
        TypeProbe.Side l = sides.get(0);
        TypeProbe.Side r = sides.get(1);
        leftHadTtls = l.hadTtls();
        rightHadTtls = r.hadTtls();
        List<Probe> present = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            if (l.type[i].equals("?") || r.type[i].equals("?")) {
                p.difference = diff(db, p, Kind.UNREADABLE, "PTTL/TYPE failed: " + (l.error != null ? l.error : r.error));
                continue;
            }
            String typeLeft = l.type[i];
            String typeRight = r.type[i];
            p.ttlLeft = l.pttl[i];
            p.ttlRight = r.pttl[i];
            if (typeLeft.equals("string") && typeRight.equals("string")) {
                p.headed = true;
                p.headLeft = l.head[i];
                p.headRight = r.head[i];
            }
            if (tally != null) {
                tally.key(db, typeLeft, typeRight);
            }
            if (classify(db, p, typeLeft, typeRight)) {
                present.add(p);
            }
        }
        return present;
    }

    /** True when the key exists on both sides with one type, so its value must be compared. */
    private boolean classify(int db, Probe p, String typeLeft, String typeRight) {
        if (typeLeft.equals("none") && typeRight.equals("none")) {
            return false;
        }
        if (typeLeft.equals("none") || typeRight.equals("none")) {
            boolean missingLeft = typeLeft.equals("none");
            long otherTtl = missingLeft ? p.ttlRight : p.ttlLeft;
            if (otherTtl < 0 || otherTtl > toleranceMillis) {
                p.difference = diff(db, p, missingLeft ? Kind.MISSING_ON_LEFT : Kind.MISSING_ON_RIGHT,
                        "a " + (missingLeft ? typeRight : typeLeft) + " on " + (missingLeft ? right : left).label()
                                + " only");
            }
            return false; // about to expire on the side that has it: not a difference
        }
        if (!typeLeft.equals(typeRight)) {
            p.difference = diff(db, p, Kind.TYPE, typeLeft + " on " + left.label() + ", " + typeRight + " on "
                    + right.label());
            return false;
        }
        p.type = typeLeft;
        if (ttlDiffers(p.ttlLeft, p.ttlRight)) {
            p.ttlDifference = diff(db, p, Kind.TTL, "ttl " + ttl(p.ttlLeft) + " on " + left.label() + ", "
                    + ttl(p.ttlRight) + " on " + right.label());
        }
        return true;
    }

    private boolean ttlDiffers(long a, long b) {
        if (a < 0 || b < 0) {
            return a != b;
        }
        return Math.abs(a - b) > toleranceMillis;
    }

    private static String ttl(long pttl) {
        return pttl == -1 ? "none" : pttl < 0 ? "gone" : pttl + "ms";
    }

    /** Strings and lengths are compared here; returns the small collections, whose DUMPs come next. */
    private List<Probe> heads(int db, List<Probe> present) {
        List<Probe> unheaded = present.stream().filter(p -> !p.headed).toList();
        for (Probe p : unheaded) {
            switch (p.type) {
                case "list" -> both("LLEN", p.key);
                case "hash" -> both("HLEN", p.key);
                case "set" -> both("SCARD", p.key);
                case "zset" -> both("ZCARD", p.key);
                case "stream" -> both("XLEN", p.key);
                default -> both("DUMP", p.key); // module types: their payload is all verify can compare
            }
        }
        List<List<Object>> replies = exchange();
        for (int i = 0; i < unheaded.size(); i++) {
            unheaded.get(i).headLeft = replies.get(0).get(i);
            unheaded.get(i).headRight = replies.get(1).get(i);
        }
        List<Probe> small = new ArrayList<>();
        for (Probe p : present) {
            Object l = p.headLeft;
            Object r = p.headRight;
            if (Replies.isError(l) || Replies.isError(r)) {
                p.difference = diff(db, p, Kind.UNREADABLE, "read failed: " + firstError(l, r));
            } else if (p.type.equals("string")) {
                compareStrings(db, p, l, r);
            } else if (!isCollection(p.type)) {
                if (!Replies.deepEquals(l, r)) {
                    p.difference = diff(db, p, Kind.VALUE, p.type + " payloads differ (no typed compare for it)");
                }
            } else {
                long ll = Replies.number(l);
                long lr = Replies.number(r);
                if (ll != lr) {
                    p.difference = diff(db, p, Kind.VALUE, p.type + " of " + ll + " elements on " + left.label()
                            + ", " + lr + " on " + right.label());
                } else if (ll <= SMALL_ELEMENTS) {
                    small.add(p);
                } else {
                    big.compare(p.type, p.key, ll).ifPresent(d -> p.difference = diff(db, p, Kind.VALUE, d));
                }
            }
        }
        return small;
    }

    private void compareStrings(int db, Probe p, Object l, Object r) {
        String detail = null;
        if (l == null || r == null) {
            detail = "changed while read";
        } else if (l instanceof TypeProbe.BigString bl && r instanceof TypeProbe.BigString br) {
            detail = bl.length() != br.length() ? "strings of " + bl.length() + " and " + br.length() + " bytes"
                    : big.compare("string", p.key, bl.length()).orElse(null);
        } else if (l instanceof byte[] x && r instanceof byte[] y) {
            detail = Arrays.equals(x, y) ? null : BigKeyComparer.firstDifference(x, y, 0);
        } else {
            detail = "strings of different lengths, one over " + STRING_HEAD + " bytes";
        }
        if (detail != null) {
            p.difference = diff(db, p, Kind.VALUE, detail);
        }
    }

    private static boolean isCollection(String type) {
        return switch (type) {
            case "list", "hash", "set", "zset", "stream" -> true;
            default -> false;
        };
    }

    /** Equal payloads prove equal values; unequal ones prove nothing and go on to the typed compare. */
    private List<Probe> dumps(List<Probe> small) {
        small.forEach(p -> both("DUMP", p.key));
        List<List<Object>> replies = exchange();
        List<Probe> unequal = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            if (!Replies.deepEquals(replies.get(0).get(i), replies.get(1).get(i))) {
                unequal.add(small.get(i));
            }
        }
        return unequal;
    }

    private void typed(int db, List<Probe> probes) {
        for (Probe p : probes) {
            switch (p.type) {
                case "list" -> both("LRANGE", p.key, ZERO, MINUS_ONE);
                case "hash" -> both("HGETALL", p.key);
                case "set" -> both("SMEMBERS", p.key);
                case "zset" -> both("ZRANGE", p.key, ZERO, MINUS_ONE, bytes("WITHSCORES"));
                default -> both("XRANGE", p.key, bytes("-"), bytes("+"));
            }
        }
        settle(db, probes, "read", (p, l, r) -> typedEquals(p.type, l, r) ? null : p.type + " elements differ");
    }

    /** What differs between the two replies about one key, or null when they agree. */
    private interface Comparison {
        String differs(Probe p, Object left, Object right);
    }

    /** Reads the replies queued for {@code probes} on both sides, one each, and records what differs. */
    private void settle(int db, List<Probe> probes, String reading, Comparison comparison) {
        List<List<Object>> replies = exchange();
        for (int i = 0; i < probes.size(); i++) {
            Probe p = probes.get(i);
            Object l = replies.get(0).get(i);
            Object r = replies.get(1).get(i);
            if (Replies.isError(l) || Replies.isError(r)) {
                p.difference = diff(db, p, Kind.UNREADABLE, reading + " failed: " + firstError(l, r));
                continue;
            }
            String detail = comparison.differs(p, l, r);
            if (detail != null) {
                p.difference = diff(db, p, Kind.VALUE, detail);
            }
        }
    }

    /**
     * A stream's consumer groups: name, pending entries and last delivered id of each. A replica holds
     * them too, and a consumer that resumes on b after the move reads from there.
     */
    private void consumerGroups(int db, List<Probe> present) {
        List<Probe> streams = present.stream().filter(p -> p.type.equals("stream") && p.difference == null).toList();
        if (streams.isEmpty()) {
            return;
        }
        streams.forEach(p -> both("XINFO", bytes("GROUPS"), p.key));
        settle(db, streams, "XINFO GROUPS", (p, l, r) -> Replies.groups(l).equals(Replies.groups(r)) ? null
                : "consumer groups differ: " + Replies.groups(l) + " on " + left.label() + ", " + Replies.groups(r)
                        + " on " + right.label());
    }

    private static boolean typedEquals(String type, Object l, Object r) {
        return switch (type) {
            case "hash" -> Replies.pairs(l).equals(Replies.pairs(r));
            case "set" -> Replies.members(l).equals(Replies.members(r));
            case "zset" -> Replies.scores(l).equals(Replies.scores(r));
            default -> Replies.deepEquals(l, r); // list and stream: order is part of the value
        };
    }

    private void both(String command, byte[]... args) {
        left.add(command, args);
        right.add(command, args);
    }

    /** Sends to both servers before reading either, so that they work at the same time. */
    private List<List<Object>> exchange() {
        int nl = left.send();
        int nr = right.send();
        return List.of(left.receive(nl), right.receive(nr));
    }

    private Difference diff(int db, Probe p, Kind kind, String detail) {
        return new Difference(pair, db, printable(p.key), kind, detail);
    }

    private static String firstError(Object... replies) {
        for (Object r : replies) {
            if (Replies.isError(r)) {
                return ((Exception) r).getMessage();
            }
        }
        return "?";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
