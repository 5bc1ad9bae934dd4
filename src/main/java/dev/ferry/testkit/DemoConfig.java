package dev.ferry.testkit;

import java.time.Duration;
import java.util.Map;

/** What the demo runs: how many keys and writers, which server binaries, what becomes of a afterwards. */
public record DemoConfig(int keys, int writers, int ratePerWriter, double evalShare, Duration maxPause,
        Duration writeAfter, String after, RedisBinary sourceBinary, RedisBinary targetBinary, RedisBinary backupBinary,
        Map<String, String> serverConfig, String mode) {

    public DemoConfig {
        if (keys < 0) {
            throw new IllegalArgumentException("keys must not be negative, was " + keys);
        }
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be positive, was " + writers);
        }
        if (ratePerWriter < 1) {
            throw new IllegalArgumentException("rate must be positive, was " + ratePerWriter);
        }
    }

    /** Cutover mode pause, the default. */
    public DemoConfig(int keys, int writers, int ratePerWriter, double evalShare, Duration maxPause, Duration writeAfter,
            String after, RedisBinary sourceBinary, RedisBinary targetBinary, RedisBinary backupBinary,
            Map<String, String> serverConfig) {
        this(keys, writers, ratePerWriter, evalShare, maxPause, writeAfter, after, sourceBinary, targetBinary,
                backupBinary, serverConfig, "pause");
    }

    /** Bytes a writer's command takes in the replication stream, with room to spare (measured: about 80). */
    private static final long STREAM_BYTES_PER_WRITE = 200;
    private static final long MIN_BACKLOG = 1L << 20;
    private static final long MAX_BACKLOG = 256L << 20;

    /**
     * The servers' config: the caller's, plus a replication backlog that holds everything the demo's writers send
     * during max-pause and the switch's timeout, twice over. The demo's own preflight checks exactly that; left at
     * Redis's 1MB default it would warn about a setup the demo chose itself.
     */
    public Map<String, String> serversConfig(Duration switchTimeout) {
        if (serverConfig.containsKey("repl-backlog-size")) {
            return serverConfig;
        }
        long window = maxPause.plus(switchTimeout).toMillis();
        long needed = (long) writers * ratePerWriter * STREAM_BYTES_PER_WRITE * window / 1000 * 2;
        Map<String, String> config = new java.util.LinkedHashMap<>(serverConfig);
        config.put("repl-backlog-size", Long.toString(Math.min(MAX_BACKLOG, Math.max(MIN_BACKLOG, needed))));
        return Map.copyOf(config);
    }

    public static DemoConfig defaults() {
        RedisBinary system = RedisBinary.system();
        return new DemoConfig(100_000, 4, 500, 0.25, Duration.ofSeconds(2), Duration.ofSeconds(1), "replica",
                system, system, system, Map.of(), "pause");
    }

    public DemoConfig withKeys(int n) {
        return new DemoConfig(n, writers, ratePerWriter, evalShare, maxPause, writeAfter, after, sourceBinary,
                targetBinary, backupBinary, serverConfig, mode);
    }

    public DemoConfig withWriters(int n, int rate) {
        return new DemoConfig(keys, n, rate, evalShare, maxPause, writeAfter, after, sourceBinary, targetBinary,
                backupBinary, serverConfig, mode);
    }

    public DemoConfig withBinaries(RedisBinary source, RedisBinary target, RedisBinary backup) {
        return new DemoConfig(keys, writers, ratePerWriter, evalShare, maxPause, writeAfter, after, source, target,
                backup, serverConfig, mode);
    }

    public DemoConfig withAfter(String fate) {
        return new DemoConfig(keys, writers, ratePerWriter, evalShare, maxPause, writeAfter, fate, sourceBinary,
                targetBinary, backupBinary, serverConfig, mode);
    }

    public DemoConfig withMode(String cutoverMode) {
        return new DemoConfig(keys, writers, ratePerWriter, evalShare, maxPause, writeAfter, after, sourceBinary,
                targetBinary, backupBinary, serverConfig, cutoverMode);
    }

    public DemoConfig withServerConfig(Map<String, String> config) {
        return new DemoConfig(keys, writers, ratePerWriter, evalShare, maxPause, writeAfter, after, sourceBinary,
                targetBinary, backupBinary, config, mode);
    }

    public DemoConfig withMaxPause(Duration d) {
        return new DemoConfig(keys, writers, ratePerWriter, evalShare, d, writeAfter, after, sourceBinary, targetBinary,
                backupBinary, serverConfig, mode);
    }
}
