package dev.ferry.testkit;

import java.util.BitSet;

/**
 * One writer's acknowledged sequence numbers plus the longest pause between two acknowledgements.
 * Times are System.nanoTime values; all access is synchronized (a few hundred calls per second).
 */
final class AckLog {

    private final BitSet acked = new BitSet();
    private long count;
    private long lastAckNanos;
    private long maxGapNanos;
    private long maxGapStartNanos;
    private long maxGapEndNanos;
    private long endedNanos;
    private boolean started;
    private boolean ended;

    /** The gap clock starts when the writer starts, so a writer that never succeeds shows a gap too. */
    synchronized void started(long nanos) {
        lastAckNanos = nanos;
        started = true;
    }

    synchronized void ended(long nanos) {
        endedNanos = nanos;
        ended = true;
    }

    synchronized void ack(long seq, long nanos) {
        acked.set(Math.toIntExact(seq));
        count++;
        recordGap(lastAckNanos, nanos);
        lastAckNanos = nanos;
    }

    /** Forgets the longest gap so far; the gap now open (since the last ack) still counts from that ack. */
    synchronized void resetLongestGap() {
        maxGapNanos = 0;
        maxGapStartNanos = 0;
        maxGapEndNanos = 0;
    }

    synchronized long count() {
        return count;
    }

    synchronized BitSet copy() {
        return (BitSet) acked.clone();
    }

    /**
     * Longest gap as {start, end, length}; an open gap (since the last ack until now, or until the
     * writer ended) counts too, so a writer stuck at the end of a switchover is not missed.
     */
    synchronized long[] longestGap(long nowNanos) {
        if (!started) {
            return new long[] {0, 0, 0};
        }
        long end = ended ? endedNanos : nowNanos;
        if (end - lastAckNanos > maxGapNanos) {
            return new long[] {lastAckNanos, end, end - lastAckNanos};
        }
        return new long[] {maxGapStartNanos, maxGapEndNanos, maxGapNanos};
    }

    private void recordGap(long from, long to) {
        if (to - from > maxGapNanos) {
            maxGapNanos = to - from;
            maxGapStartNanos = from;
            maxGapEndNanos = to;
        }
    }
}
