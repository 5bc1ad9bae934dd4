package dev.ferry.core.procedure;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replication lag in milliseconds, measured the pt-heartbeat way: a background thread writes the time into one
 * key on a ({@link #keyFor}) and watches it arrive on b and c. It runs during the sync and up to the cutover
 * fence, never after: {@link #stop} returns only once the last heartbeat write is answered and the key is
 * deleted, and the cutover calls it before fencing a, so no canary write can follow the captured offset.
 */
public final class LagCanary implements AutoCloseable {
    public static final String KEY_PREFIX = "ferry:heartbeat:";
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** How long a heartbeat is watched for on the replicas; longer lags are read off the older value. */
    private static final Duration WATCH = Duration.ofMillis(50);
    private static final Duration POLL = Duration.ofMillis(2);
    private static final int TIMEOUT_MILLIS = 1000;
    private static final int MAX_SAMPLES = 1200;

    /**
     * Lag of each replica at one moment (-1 when that replica does not replicate the heartbeat yet), and the bytes
     * b has received from a so far: the RDB while it syncs, its replication offset after.
     */
    public record Sample(long atMillis, Map<String, Double> lagMillis, long bReceivedBytes) {
    }

    private final String key;
    private final Servers servers;
    private final Journal journal;
    private final RunListener listener;
    private final List<Sample> samples = new ArrayList<>();
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean running;
    private long startedAt;
    private int keepEvery = 1;
    private int tick;

    private final Ticker ticker;

    public LagCanary(String specName, Servers servers, Journal journal, RunListener listener) {
        this(specName, servers, journal, listener, Ticker.system());
    }

    public LagCanary(String specName, Servers servers, Journal journal, RunListener listener, Ticker ticker) {
        this.ticker = ticker;
        this.key = keyFor(specName);
        this.servers = servers;
        this.journal = journal;
        this.listener = listener;
    }

    public static String keyFor(String specName) {
        return KEY_PREFIX + specName;
    }

    /**
     * Starts the heartbeat unless it runs already or the cutover has begun (then a may be fenced). Not on a cluster
     * node: there the key would belong to whichever shard its slot hashes to, and replicas answer reads with MOVED;
     * a shard's sync shows its progress and offsets instead.
     */
    public void start() {
        synchronized (lock) {
            if (thread != null || journal.reached("cutover", Milestone.FENCING) || journal.started("cutover")
                    || clusterNode(servers.a())) {
                return;
            }
            running = true;
            startedAt = ticker.read();
            thread = new Thread(this::beat, "ferry-lag-canary");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static boolean clusterNode(RedisNode a) {
        try {
            return "1".equals(a.info("cluster").get("cluster_enabled", "0"));
        } catch (RuntimeException unreachable) {
            return false; // the heartbeat's own first write reports what is wrong with a
        }
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * Stops writing, waits for the last write, deletes the key on a and journals the lag seen. After this returns
     * the canary sends nothing more to a. Safe to call more than once.
     */
    public void stop() {
        Thread t;
        synchronized (lock) {
            t = thread;
            if (t == null || !running) {
                return;
            }
            running = false;
        }
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            // cannot happen with 1 s command timeouts; if it did, fencing now could lose its next write
            throw new IllegalStateException("the lag canary did not stop within 5 s");
        }
        journal.append("lag", null, "STOPPED", summary());
    }

    @Override
    public void close() {
        stop();
    }

    /** The lag seen over time, at most {@value #MAX_SAMPLES} points spread over the whole run. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void beat() {
        RedisNode a = servers.a().withTimeout("canary", TIMEOUT_MILLIS);
        List<RedisNode> replicas = new ArrayList<>();
        replicas.add(servers.b().withTimeout("canary", TIMEOUT_MILLIS));
        servers.c().ifPresent(c -> replicas.add(c.withTimeout("canary", TIMEOUT_MILLIS)));
        try {
            while (running) {
                long next = ticker.read() + INTERVAL.toNanos();
                beatOnce(a, replicas);
                ticker.sleepUntil(next);
            }
        } catch (InterruptedException e) {
            // stop() interrupts: the write in flight, if any, has been answered
        } finally {
            deleteKey(a);
            a.close();
            replicas.forEach(RedisNode::close);
        }
    }

    private void beatOnce(RedisNode a, List<RedisNode> replicas) throws InterruptedException {
        long written = System.currentTimeMillis();
        String value = Long.toString(written);
        try {
            a.callString("SET", key, value, "PX", Long.toString(Duration.ofHours(1).toMillis()));
        } catch (RuntimeException e) {
            return; // a unreachable for a moment: the steps will notice; the canary just skips a beat
        }
        long writtenNanos = ticker.read();
        Map<String, Double> lag = new LinkedHashMap<>();
        for (RedisNode r : replicas) {
            lag.put(r.label(), watch(r, value, written, writtenNanos));
        }
        record(lag, receivedBytes(replicas.get(0)));
    }

    private static long receivedBytes(RedisNode b) {
        try {
            Info info = b.info("replication");
            if (info.getLong("master_sync_in_progress", 0) == 1) {
                return info.getLong("master_sync_read_bytes", 0);
            }
            return info.getLong("slave_repl_offset", info.getLong("master_repl_offset", 0));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Milliseconds until {@code value} shows on the replica, or how old the value it shows is. */
    private double watch(RedisNode replica, String value, long written, long writtenNanos) throws InterruptedException {
        long deadline = writtenNanos + WATCH.toNanos();
        String seen = null;
        while (true) {
            try {
                seen = replica.callString("GET", key);
            } catch (RuntimeException e) {
                return -1; // loading, or not reachable yet
            }
            if (value.equals(seen)) {
                return Math.round((ticker.read() - writtenNanos) / 100_000.0) / 10.0; // 0.1 ms steps
            }
            if (ticker.read() > deadline || !running) {
                break;
            }
            ticker.sleep(POLL);
        }
        return seen == null ? -1 : Math.max(0, System.currentTimeMillis() - parse(seen, written));
    }

    private static long parse(String seen, long fallback) {
        try {
            return Long.parseLong(seen);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void record(Map<String, Double> lag, long bReceivedBytes) {
        listener.lag(lag);
        synchronized (samples) {
            if (tick++ % keepEvery == 0) {
                samples.add(new Sample((ticker.read() - startedAt) / 1_000_000, Map.copyOf(lag), bReceivedBytes));
            }
            if (samples.size() >= MAX_SAMPLES) {
                // halve the resolution instead of growing: the plot needs the shape, not every beat
                List<Sample> kept = new ArrayList<>();
                for (int i = 0; i < samples.size(); i += 2) {
                    kept.add(samples.get(i));
                }
                samples.clear();
                samples.addAll(kept);
                keepEvery *= 2;
            }
        }
    }

    private void deleteKey(RedisNode a) {
        try {
            a.callLong("DEL", key);
        } catch (RuntimeException e) {
            listener.warn("could not delete the lag canary key " + key + " on a: " + e.getMessage()
                    + ": delete it by hand (it expires within an hour anyway)");
        }
    }

    /** For the journal and the report: max and last lag per replica, and the series. */
    public Map<String, Object> summary() {
        List<Sample> all = samples();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("key", key);
        Map<String, Double> max = new LinkedHashMap<>();
        Map<String, Double> last = new LinkedHashMap<>();
        for (Sample s : all) {
            s.lagMillis().forEach((replica, ms) -> {
                max.merge(replica, ms, Math::max);
                last.put(replica, ms);
            });
        }
        facts.put("maxLagMillis", max);
        facts.put("lastLagMillis", last);
        List<List<Object>> series = new ArrayList<>();
        for (Sample s : all) {
            List<Object> row = new ArrayList<>();
            row.add(s.atMillis());
            row.add(s.lagMillis().getOrDefault("b", -1.0));
            row.add(s.lagMillis().getOrDefault("c", -1.0));
            row.add(s.bReceivedBytes());
            series.add(row);
        }
        facts.put("series", series);
        facts.put("seriesColumns", List.of("atMillis", "bLagMillis", "cLagMillis", "bReceivedBytes"));
        return facts;
    }
}
