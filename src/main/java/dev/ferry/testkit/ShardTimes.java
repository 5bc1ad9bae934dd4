package dev.ferry.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Per shard of a cluster move: how long it took (first step to last) and the longest gap any writer saw from
 * the start of its switch to the end of the shard (the writers' gap is reset when a switch starts). Meaningful
 * per shard only when shards move one at a time; with {@code parallel > 1} the switches' windows overlap.
 */
public final class ShardTimes {
    private final Writers writers;
    private final long[] startNanos;
    private final long[] millis;
    private final long[] gapMillis;
    private final long[] switchGapMillis;

    public ShardTimes(Writers writers, int shards) {
        this.writers = writers;
        this.startNanos = new long[shards];
        this.millis = new long[shards];
        this.gapMillis = new long[shards];
        this.switchGapMillis = new long[shards];
        java.util.Arrays.fill(millis, -1);
        java.util.Arrays.fill(gapMillis, -1);
        java.util.Arrays.fill(switchGapMillis, -1);
    }

    /** The shard's first step: later calls for the same shard keep the first time. */
    public synchronized void shardStarted(int shard) {
        if (startNanos[shard] == 0) {
            startNanos[shard] = System.nanoTime();
        }
    }

    public void switchStarted(int shard) {
        writers.resetLongestGap();
    }

    /**
     * The switch itself is done (ferry's cutover step, or the by-hand failover agreed): the longest gap so far, to
     * tell a pause of the switch from one after it (attaching replicas, forgetting, clients refreshing slot maps).
     */
    public synchronized void switchEnded(int shard) {
        switchGapMillis[shard] = writers.stats().longestGap().toMillis();
    }

    public synchronized void shardEnded(int shard) {
        millis[shard] = (System.nanoTime() - startNanos[shard]) / 1_000_000;
        gapMillis[shard] = writers.stats().longestGap().toMillis();
    }

    /** Each shard's time in ms (-1: not ended). */
    public synchronized List<Long> shardMillis() {
        return list(millis);
    }

    /** Each shard's longest writer gap around its switch in ms (-1: not ended). */
    public synchronized List<Long> gapMillis() {
        return list(gapMillis);
    }

    /** Each shard's longest writer gap from the start of its switch to its end (-1: not ended). */
    public synchronized List<Long> switchGapMillis() {
        return list(switchGapMillis);
    }

    public synchronized Duration longestGap() {
        return Duration.ofMillis(java.util.Arrays.stream(gapMillis).max().orElse(-1));
    }

    private static List<Long> list(long[] values) {
        List<Long> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(v);
        }
        return out;
    }
}
