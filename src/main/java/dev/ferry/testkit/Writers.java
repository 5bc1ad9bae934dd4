package dev.ferry.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Writer clients that count acknowledged writes, to prove a master switchover lost none of them.
 * Each writer is a thread with its own connection writing {@code <prefix>:<writer>:<seq> = <seq>} at a
 * fixed rate; on a dropped connection or READONLY it reconnects to {@code endpoint.get()}. The
 * {@link #cluster cluster} variant writes through a cluster client that follows MOVED/ASK instead.
 */
public final class Writers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Writers.class);
    private static final int CHECK_BATCH = 1000;
    private static final int MISSING_SAMPLE = 10;
    private static final long AWAIT_POLL_MILLIS = 10;
    private static final Duration JOIN_SLACK = Duration.ofSeconds(5);

    private final Config config;
    private final WriteClient.Factory clients;
    private final List<AckLog> ackLogs = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final WriterCounters counters = new WriterCounters();
    private volatile boolean running;
    private boolean started;
    private long startNanos;
    private Instant startWall;

    public Writers(Config config) {
        this(config, WriteClient.standalone(Objects.requireNonNull(config, "config")));
    }

    private Writers(Config config, WriteClient.Factory clients) {
        this.config = Objects.requireNonNull(config, "config");
        this.clients = clients;
    }

    /**
     * Writers against a Redis Cluster: each writer has its own cluster client (socket timeout from the
     * config) that follows MOVED/ASK and refreshes its slot map, so it keeps writing while nodes are added,
     * failed over or forgotten, as long as one of {@code seeds} or the nodes it has learned is alive.
     * {@code config.endpoint()} is not used and may be unset. Not started yet.
     */
    public static Writers cluster(Config config, Collection<HostAndPort> seeds) {
        return new Writers(config, new ClusterWriteClients(seeds, config));
    }

    /**
     * Writers that open a new connection for every write ({@code config.endpoint()} each time) and close it after
     * the reply: a failed connect is a failed write, retried at the next tick of the writer's rate. Not started yet.
     */
    public static Writers perRequest(Config config) {
        return new Writers(config, WriteClient.perRequest(Objects.requireNonNull(config, "config")));
    }

    public Config config() {
        return config;
    }

    /** Starts all writer threads; a Writers can be started once. */
    public synchronized Writers start() {
        if (started) {
            throw new IllegalStateException("writers already started");
        }
        started = true;
        running = true;
        startNanos = System.nanoTime();
        startWall = Instant.now();
        long deadline = startNanos + config.maxDuration().toNanos();
        for (int w = 0; w < config.writers(); w++) {
            AckLog log = new AckLog();
            ackLogs.add(log);
            Thread t = new Thread(new WriterThread(w, config, clients, log, counters, () -> running, deadline),
                    "ferry-writer-" + config.keyPrefix() + "-" + w);
            // Daemon: a forgotten Writers must not keep a test JVM alive.
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        return this;
    }

    /** Stops the writers and waits (bounded) for each to finish its in-flight write. */
    public void stop() {
        running = false;
        long joinMillis = config.socketTimeout().plus(JOIN_SLACK).toMillis();
        for (Thread t : snapshotThreads()) {
            try {
                t.join(joinMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop within {} ms", t.getName(), joinMillis);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Acknowledged writes so far, over all writers. */
    public long acknowledged() {
        return snapshotLogs().stream().mapToLong(AckLog::count).sum();
    }

    public WriterStats stats() {
        List<AckLog> logs = snapshotLogs();
        long now = System.nanoTime();
        List<BitSet> seqs = new ArrayList<>();
        long acked = 0;
        long[] worst = {0, 0, 0};
        int worstWriter = -1;
        for (int w = 0; w < logs.size(); w++) {
            seqs.add(logs.get(w).copy());
            acked += seqs.get(w).cardinality();
            long[] gap = logs.get(w).longestGap(now);
            if (worstWriter < 0 || gap[2] > worst[2]) {
                worst = gap;
                worstWriter = w;
            }
        }
        return new WriterStats(acked, counters.attempted.sum(), counters.errors(), counters.reconnects.sum(),
                counters.connectFailures.sum(), counters.lastConnectError, Duration.ofNanos(worst[2]), worstWriter,
                toInstant(worst[0]), toInstant(worst[1]), config.keyPrefix(), seqs);
    }

    /**
     * Checks every write acknowledged so far exists with its value on {@code onServer} (in that client's
     * current database, normally 0). Call after stop() for a final answer.
     */
    public LossReport checkLost(Jedis onServer) {
        return LossChecker.check(keys -> onServer.mget(keys.toArray(new String[0])), stats(), CHECK_BATCH,
                MISSING_SAMPLE);
    }

    /**
     * Checks every write acknowledged so far against where the writers wrote: the current endpoint, or for
     * {@link #cluster cluster} writers each key's slot owner (through a fresh cluster client).
     */
    public LossReport checkLost() {
        try (WriteClient.ReadBack reader = clients.openReadBack()) {
            return LossChecker.check(reader::get, stats(), CHECK_BATCH, MISSING_SAMPLE);
        }
    }

    /**
     * Starts the gap measurement afresh: stats() and longestGapPerWriter() then show the longest gap since
     * now (a gap already open counts from its last ack), so a test measures its switch, not the writers'
     * start-up (a cluster client's first slot discovery and connections take a few hundred ms).
     */
    public void resetLongestGap() {
        snapshotLogs().forEach(AckLog::resetLongestGap);
    }

    /** Each writer's longest gap between two acknowledged writes (an open gap counts up to now). */
    public List<Duration> longestGapPerWriter() {
        long now = System.nanoTime();
        return snapshotLogs().stream().map(log -> Duration.ofNanos(log.longestGap(now)[2])).toList();
    }

    /** Waits until at least {@code n} writes are acknowledged; throws with the stats on timeout. */
    public void awaitAcknowledged(long n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long maxPolls = timeout.toMillis() / AWAIT_POLL_MILLIS + 1;
        for (long i = 0; i <= maxPolls; i++) {
            if (acknowledged() >= n) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            sleep(AWAIT_POLL_MILLIS);
        }
        if (acknowledged() < n) {
            throw new IllegalStateException("expected " + n + " acknowledged writes within " + timeout
                    + ", got " + stats().summary());
        }
    }

    private Instant toInstant(long nanos) {
        return startWall == null || nanos == 0 ? null : startWall.plusNanos(nanos - startNanos);
    }

    private synchronized List<AckLog> snapshotLogs() {
        return List.copyOf(ackLogs);
    }

    private synchronized List<Thread> snapshotThreads() {
        return List.copyOf(threads);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for writers", e);
        }
    }

    /**
     * Writer settings; see {@link #builder()} for defaults. {@code ratePerWriter} 0 means as fast as
     * possible; {@code endpoint} is read again on every reconnect (required except for {@link #cluster} writers);
     * {@code ssl} null means plain TCP.
     */
    public record Config(
            int writers,
            int ratePerWriter,
            double evalShare,
            Supplier<HostAndPort> endpoint,
            String password,
            Duration socketTimeout,
            Duration maxDuration,
            long maxWritesPerWriter,
            String keyPrefix,
            SSLSocketFactory ssl) {

        public Config {
            Objects.requireNonNull(socketTimeout, "socketTimeout");
            Objects.requireNonNull(maxDuration, "maxDuration");
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            require(writers > 0, "writers must be > 0");
            require(ratePerWriter >= 0, "ratePerWriter must be >= 0");
            require(evalShare >= 0 && evalShare <= 1, "evalShare must be within 0..1");
            require(!socketTimeout.isNegative() && !socketTimeout.isZero(), "socketTimeout must be > 0");
            require(!maxDuration.isNegative() && !maxDuration.isZero(), "maxDuration must be > 0");
            // Sequence numbers index a BitSet, hence the int bound.
            require(maxWritesPerWriter > 0 && maxWritesPerWriter <= Integer.MAX_VALUE,
                    "maxWritesPerWriter must be within 1..2^31-1");
            require(!keyPrefix.isEmpty(), "keyPrefix must not be empty");
        }

        public static Builder builder() {
            return new Builder();
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** Builder with the defaults: 4 writers x 500/s, 25% EVAL, 2 s timeout, 5 min / 10M writes cap, "w". */
    public static final class Builder {
        private int writers = 4;
        private int ratePerWriter = 500;
        private double evalShare = 0.25;
        private Supplier<HostAndPort> endpoint;
        private String password;
        private Duration socketTimeout = Duration.ofSeconds(2);
        private Duration maxDuration = Duration.ofMinutes(5);
        private long maxWritesPerWriter = 10_000_000L;
        private String keyPrefix = "w";
        private SSLSocketFactory ssl;

        private Builder() {
        }

        public Builder writers(int value) {
            writers = value;
            return this;
        }

        public Builder ratePerWriter(int value) {
            ratePerWriter = value;
            return this;
        }

        public Builder evalShare(double value) {
            evalShare = value;
            return this;
        }

        public Builder endpoint(Supplier<HostAndPort> value) {
            endpoint = value;
            return this;
        }

        public Builder endpoint(HostAndPort fixed) {
            Objects.requireNonNull(fixed, "endpoint");
            endpoint = () -> fixed;
            return this;
        }

        public Builder password(String value) {
            password = value;
            return this;
        }

        public Builder socketTimeout(Duration value) {
            socketTimeout = value;
            return this;
        }

        public Builder maxDuration(Duration value) {
            maxDuration = value;
            return this;
        }

        public Builder maxWritesPerWriter(long value) {
            maxWritesPerWriter = value;
            return this;
        }

        public Builder keyPrefix(String value) {
            keyPrefix = value;
            return this;
        }

        /** Talk TLS through {@code value} (null: plain TCP, the default). */
        public Builder ssl(SSLSocketFactory value) {
            ssl = value;
            return this;
        }

        public Config build() {
            return new Config(writers, ratePerWriter, evalShare, endpoint, password, socketTimeout, maxDuration,
                    maxWritesPerWriter, keyPrefix, ssl);
        }
    }
}
