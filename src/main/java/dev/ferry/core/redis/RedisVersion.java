package dev.ferry.core.redis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server's version as INFO reports it, and what follows from it: command names, config names, RDB format. */
public record RedisVersion(int major, int minor, int patch, String flavour) implements Comparable<RedisVersion> {
    private static final Pattern DOTTED = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public static RedisVersion parse(String text, String flavour) {
        Matcher m = DOTTED.matcher(text == null ? "" : text.trim());
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a Redis version: '" + text + "'");
        }
        int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new RedisVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, flavour);
    }

    public static RedisVersion of(int major, int minor) {
        return new RedisVersion(major, minor, 0, "redis");
    }

    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** 6.2 added CLIENT PAUSE WRITE, FAILOVER and scripts refused by min-replicas-to-write. */
    public boolean hasPauseWrite() {
        return atLeast(6, 2);
    }

    /** 5.0 renamed SLAVEOF to REPLICAOF and slave-* configs to replica-*; the old names still work there. */
    public boolean hasReplicaNames() {
        return atLeast(5, 0);
    }

    public String replicaOfCommand() {
        return hasReplicaNames() ? "REPLICAOF" : "SLAVEOF";
    }

    /** Translates a modern config name to the one this server knows. */
    public String configName(String modern) {
        return hasReplicaNames() ? modern : modern.replace("replica", "slave");
    }

    /**
     * The RDB format version this server writes. A server can load only RDB files whose version is not newer
     * than its own: a replica of a newer master empties itself and then fails to load the stream.
     */
    public int rdbVersion() {
        if (atLeast(7, 4)) {
            return 12;
        }
        if (atLeast(7, 2)) {
            return 11;
        }
        if (atLeast(7, 0)) {
            return 10;
        }
        if (atLeast(5, 0)) {
            return 9;
        }
        if (atLeast(4, 0)) {
            return 8;
        }
        return atLeast(3, 2) ? 7 : 6;
    }

    public boolean canLoadRdbOf(RedisVersion master) {
        return rdbVersion() >= master.rdbVersion();
    }

    @Override
    public int compareTo(RedisVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
        String v = major + "." + minor + "." + patch;
        return "redis".equals(flavour) ? v : flavour + " (redis " + v + ")";
    }
}
