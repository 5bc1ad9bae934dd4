package dev.ferry.core.sync;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.redis.RedisNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleConsumer;
import redis.clients.jedis.Connection;

/**
 * a's keyspace notifications on every database ({@code PSUBSCRIBE __keyspace@*__:*}, one dedicated connection),
 * each changed key added to the {@link DirtyKeys}, and the proof that none was missed: ferry writes a heartbeat
 * key on a every {@value #HEARTBEAT_MILLIS} ms and must see each write in the feed, in order. Pub/sub is
 * at-most-once (a subscriber over its output-buffer limit is disconnected), so a dropped connection or a
 * heartbeat not seen within {@value #GAP_MILLIS} ms is a gap: {@link #gap()} says why, and the sync rescans.
 * The time from a heartbeat's write to its event is the capture's lag.
 */
final class ChangeFeed implements AutoCloseable {
    static final long HEARTBEAT_MILLIS = 100;
    static final long GAP_MILLIS = 2000;
    private static final byte[] PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    /** The sequence number of the heartbeat written with the fence. */
    static final long FENCE_SEQ = -1;

    private final RedisNode heartbeatNode;
    private final byte[] heartbeatKey;
    private final DirtyKeys dirty;
    private final DoubleConsumer lagMillis;
    private final Connection subscriber;
    /** Heartbeats written (or about to be) and not yet seen: {sequence, nanoTime written}. */
    private final ConcurrentLinkedQueue<long[]> unseen = new ConcurrentLinkedQueue<>();
    private volatile String gap;
    private volatile boolean closed;
    private volatile boolean beating = true;
    private volatile long lastSeen;
    private volatile double lastLagMillis = -1;
    private final Thread reader;
    private final Thread beater;

    private ChangeFeed(RedisNode a, String heartbeatKey, DirtyKeys dirty, DoubleConsumer lagMillis) {
        this.heartbeatNode = a.sibling("heartbeat");
        this.heartbeatKey = heartbeatKey.getBytes(StandardCharsets.UTF_8);
        this.dirty = dirty;
        this.lagMillis = lagMillis;
        this.subscriber = RawConnections.open(a, "capture", 5000, 0);
        try {
            subscriber.sendCommand(RawConnections.command(a, "PSUBSCRIBE", "__keyspace@*__:*"));
            subscriber.getObjectMultiBulkReply(); // sent (flushed) and subscribed: every change from here on is in the feed
            subscriber.setTimeoutInfinite(); // silence is judged by the heartbeats, not by a read timeout
        } catch (RuntimeException e) {
            subscriber.close();
            heartbeatNode.close();
            throw e;
        }
        this.reader = new Thread(this::read, "ferry-capture-" + a.label());
        this.beater = new Thread(this::beat, "ferry-heartbeat-" + a.label());
        reader.setDaemon(true);
        beater.setDaemon(true);
    }

    /** Subscribes, then starts reading and the heartbeat: changes after this call are captured. */
    static ChangeFeed open(RedisNode a, String heartbeatKey, DirtyKeys dirty, DoubleConsumer lagMillis) {
        ChangeFeed feed = new ChangeFeed(a, heartbeatKey, dirty, lagMillis);
        feed.reader.start();
        feed.beater.start();
        return feed;
    }

    private void read() {
        try {
            while (!closed) {
                List<Object> message = subscriber.getUnflushedObjectMultiBulkReply();
                if (message.size() == 4 && message.get(2) instanceof byte[] channel) {
                    onEvent(channel);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                gap = "the change feed's connection to a dropped (" + e.getMessage() + "), events may be lost";
            }
        }
    }

    /** {@code __keyspace@<db>__:<key>}: the key becomes dirty (the heartbeat too: b gets a copy like any key). */
    private void onEvent(byte[] channel) {
        int at = PREFIX.length;
        int db = 0;
        while (at < channel.length && channel[at] != '_') {
            db = db * 10 + (channel[at++] - '0');
        }
        byte[] key = Arrays.copyOfRange(channel, Math.min(channel.length, at + 3), channel.length);
        dirty.add(DirtyKeys.Key.of(db, key));
        if (db == 0 && Arrays.equals(key, heartbeatKey)) {
            onHeartbeat();
        }
    }

    private void onHeartbeat() {
        long[] written = unseen.poll();
        if (written == null) {
            return; // someone else wrote the key: nothing ferry waits for
        }
        lastSeen = written[0];
        lastLagMillis = (System.nanoTime() - written[1]) / 1_000_000.0;
        lagMillis.accept(lastLagMillis);
    }

    private void beat() {
        long seq = 0;
        while (!closed && beating) {
            seq++;
            unseen.add(new long[] {seq, System.nanoTime()});
            try {
                heartbeatNode.call("SET", new String(heartbeatKey, StandardCharsets.UTF_8), Long.toString(seq));
            } catch (RuntimeException e) {
                if (!closed && beating) {
                    gap = "the heartbeat write on a failed (" + e.getMessage() + ")";
                }
                return;
            }
            checkAge();
            Ticker.system().nap(Duration.ofMillis(HEARTBEAT_MILLIS));
        }
    }

    /** Stops the heartbeat and waits for its last write to be answered: nothing of it runs into the fence. */
    void stopHeartbeat() {
        beating = false;
        try {
            beater.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Registers the heartbeat that {@code writeWithFence} writes (in the fence's transaction), then runs it. */
    void fenceHeartbeat(Runnable writeWithFence) {
        unseen.add(new long[] {FENCE_SEQ, System.nanoTime()});
        writeWithFence.run();
    }

    /** The fence's heartbeat has arrived: every change a acknowledged before the fence is in the dirty set. */
    boolean fenceSeen() {
        return lastSeen == FENCE_SEQ;
    }

    /** Why the feed cannot be trusted, or null: a dropped connection or a heartbeat older than the gap limit. */
    String gap() {
        checkAge();
        return gap;
    }

    private void checkAge() {
        long[] oldest = unseen.peek();
        if (oldest != null && gap == null && System.nanoTime() - oldest[1] > GAP_MILLIS * 1_000_000) {
            gap = "heartbeat " + (oldest[0] == FENCE_SEQ ? "of the fence" : "#" + oldest[0]) + " not seen in the feed after "
                    + GAP_MILLIS + "ms: the subscriber fell behind or lost events";
        }
    }

    double lagMillis() {
        return lastLagMillis;
    }

    String heartbeatKey() {
        return new String(heartbeatKey, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        beating = false;
        subscriber.close(); // ends the reader's blocking read
        heartbeatNode.close();
        try {
            beater.join(2000);
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
