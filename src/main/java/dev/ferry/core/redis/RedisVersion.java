package dev.ferry.core.redis;

import java.util.Optional;
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

    /**
     * PSYNC2 (4.0+): a master that is demoted keeps its replication id and offset as a cached master, and a
     * promoted replica keeps its old master's id as master_replid2, so the old master can follow the new one by
     * partial resync. 3.x knows only the run id, which changes with the role: its resync is always full.
     */
    public boolean hasPsync2() {
        return atLeast(4, 0);
    }

    /** 6.0 added repl-diskless-load swapdb: a failed load of a full sync keeps the old dataset. */
    public boolean hasSwapdbLoad() {
        return atLeast(6, 0);
    }

    /** The fork's own version (Valkey's "8.0.1", carried in the flavour as "valkey 8.0.1"), if any. */
    public Optional<RedisVersion> forkVersion() {
        int space = flavour.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        Matcher m = DOTTED.matcher(flavour.substring(space + 1));
        return m.lookingAt() ? Optional.of(parse(m.group(), "redis")) : Optional.empty();
    }

    /**
     * Whether this server's line is older than the other's: moving from {@code other} to this one would be a
     * downgrade. Two Valkeys compare by Valkey's own version. Otherwise Valkey counts as the Redis line it reports
     * (8.0 reports 7.2.4) plus everything it added, so it ranks above every Redis patch of that line: 7.0 or 7.2
     * to Valkey 8 is an upgrade, Valkey 8 to Redis 7.2 or 7.0 a downgrade. Redis 7.4 ranks above Valkey 8.0
     * (it writes RDB 12, which 8.0 cannot load).
     */
    public boolean olderLineThan(RedisVersion other) {
        Optional<RedisVersion> mine = forkVersion();
        Optional<RedisVersion> theirs = other.forkVersion();
        if (mine.isPresent() && theirs.isPresent()) {
            return mine.get().compareTo(theirs.get()) < 0;
        }
        return lineKey().compareTo(other.lineKey()) < 0;
    }

    private RedisVersion lineKey() {
        return forkVersion().isPresent() ? new RedisVersion(major, minor, Integer.MAX_VALUE, "redis") : this;
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
