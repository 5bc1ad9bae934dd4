package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.LogicalSync;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.Jedis;

/**
 * The logical sync (issue 14) against replication, in one run on the same servers: a logical full copy of N keys
 * (SCAN + DUMP/RESTORE, capture subscribed) against a replication full sync of the same data to the same b
 * ({@code repl-diskless-sync-delay 0}); the capture's lag under 4 x 500 writes/s; ferry's heap per key count.
 * Not a test: run {@code bench/logical.sh}, which gives the JVM -Xmx256m. Arguments: key counts (default 250000
 * 1000000), {@code --lag-seconds}, {@code --out FILE} (or {@code FERRY_BENCH_OUT}).
 */
public final class LogicalBench {
    private static final int WRITERS = 4;
    private static final int RATE = 500;

    private LogicalBench() {
    }

    /** {@code bench/logical.sh --help}. */
    @picocli.CommandLine.Command(name = "bench/logical.sh", mixinStandardHelpOptions = true,
            description = "The logical sync's full copy against a replication full sync, its capture lag, its heap.")
    static final class Options implements BenchCli.Checked {
        @picocli.CommandLine.Parameters(paramLabel = "KEYS", arity = "0..*",
                description = "key counts to measure (default: 250000 1000000)")
        List<Integer> counts = new ArrayList<>();

        @picocli.CommandLine.Option(names = "--lag-seconds", paramLabel = "S",
                description = "how long the capture runs under 4 x 500 writes/s (default: 60)")
        int lagSeconds = 60;

        @picocli.CommandLine.Option(names = "--out", paramLabel = "FILE",
                description = "the JSON results (default: $FERRY_BENCH_OUT, else bench/results/logical-TIME.json)")
        Path out = System.getenv("FERRY_BENCH_OUT") != null ? Path.of(System.getenv("FERRY_BENCH_OUT"))
                : BenchCli.defaultOut("logical");

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void check() {
            counts.forEach(n -> BenchCli.positive(spec, "KEYS", n));
            BenchCli.positive(spec, "--lag-seconds", lagSeconds);
            BenchCli.output(out);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchCli.parseOrExit(new Options(), args);
        List<Integer> counts = options.counts.isEmpty() ? List.of(250_000, 1_000_000) : options.counts;
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf("%9s %7s %9s %13s %6s %19s %9s %9s %9s %11s %12s %s%n", "keys", "repl s", "logical s",
                "logical keys/s", "ratio", "cpu s a/b/ferry", "lag p50", "lag p99", "lag max", "peak heap MB",
                "after-GC MB", "load avg");
        for (int i = 0; i < counts.size(); i++) {
            Map<String, Object> row = run(counts.get(i), i == counts.size() - 1 ? options.lagSeconds : 0);
            rows.add(row);
            System.out.printf("%9d %7.2f %9.2f %13.0f %6.2f %6.1f/%5.1f/%6.1f %9s %9s %9s %11.1f %12.1f %s%n",
                    counts.get(i), row.get("replication-seconds"), row.get("logical-seconds"),
                    row.get("logical-keys-per-second"), row.get("ratio"), row.get("cpu-seconds-a"),
                    row.get("cpu-seconds-b"), row.get("cpu-seconds-ferry"), row.getOrDefault("lag-p50-ms", "-"),
                    row.getOrDefault("lag-p99-ms", "-"), row.getOrDefault("lag-max-ms", "-"), row.get("peak-heap-mb"),
                    row.get("peak-after-gc-mb"), row.get("load-average"));
        }
        System.out.println("goals: ratio (replication s / logical s) >= 0.33; capture lag p99 <= 100 ms; after-GC heap flat in keys");
        write(rows, options.out);
    }

    private static Map<String, Object> run(int keys, int lagSeconds) throws Exception {
        Map<String, String> config = Map.of("repl-diskless-sync-delay", "0", "save", "", "notify-keyspace-events", "KEA");
        try (RedisServer a = RedisServer.start(RedisBinary.system(), config);
                RedisServer b = RedisServer.start(RedisBinary.system(), config)) {
            VerifyBench.load(a, keys, false);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("keys", keys);
            row.put("load-average-before", loadAverage());
            long start = System.nanoTime();
            VerifyBench.replicate(a, b);
            double replication = (System.nanoTime() - start) / 1e9;
            try (Jedis jb = b.client(Duration.ofSeconds(60))) {
                jb.sendCommand(redis.clients.jedis.Protocol.Command.REPLICAOF, "NO", "ONE");
                jb.flushAll();
            }
            VerifyBench.resetStats(a);
            VerifyBench.resetStats(b);
            double cpuA = VerifyBench.cpuSeconds(a);
            double cpuB = VerifyBench.cpuSeconds(b);
            long jvmCpu = VerifyBench.jvmCpuNanos();
            System.gc();
            List<Double> lags = new CopyOnWriteArrayList<>();
            RunListener listener = new RunListener() {
                @Override
                public void lag(Map<String, Double> lagMillis) {
                    lags.add(lagMillis.getOrDefault("b", -1.0));
                }

                @Override
                public void warn(String message) {
                    System.err.println("warning: " + message);
                }
            };
            double logical;
            long peak;
            try (HeapSampler heap = new HeapSampler(); RedisNode na = VerifyBench.node("a", a);
                    RedisNode nb = VerifyBench.node("b", b);
                    LogicalSync sync = LogicalSync.start(na, nb, "bench", listener, 0)) {
                start = System.nanoTime();
                sync.awaitFullPass(Duration.ofMinutes(30), () -> false);
                logical = (System.nanoTime() - start) / 1e9;
                peak = heap.peakUsed();
                row.put("cpu-seconds-a", VerifyBench.cpuSeconds(a) - cpuA);
                row.put("cpu-seconds-b", VerifyBench.cpuSeconds(b) - cpuB);
                row.put("cpu-seconds-ferry", (VerifyBench.jvmCpuNanos() - jvmCpu) / 1e9);
                System.err.println("a: " + VerifyBench.commandStats(a));
                System.err.println("b: " + VerifyBench.commandStats(b));
                if (lagSeconds > 0) {
                    lags.clear();
                    lag(a, lagSeconds, row, lags);
                }
            }
            try (Jedis jb = b.client(Duration.ofSeconds(60))) {
                if (jb.dbSize() < keys) {
                    throw new IllegalStateException("b holds " + jb.dbSize() + " keys after the logical copy of " + keys);
                }
            }
            row.put("replication-seconds", replication);
            row.put("logical-seconds", logical);
            row.put("logical-keys-per-second", keys / logical);
            row.put("ratio", replication / logical);
            row.put("peak-heap-mb", peak / 1048576.0);
            row.put("peak-after-gc-mb", HeapSampler.peakAfterGc() / 1048576.0);
            row.put("load-average", loadAverage());
            return row;
        }
    }

    /** The capture's lag (heartbeat written to heartbeat seen, sampled every 200 ms) under 4 x 500 writes/s. */
    private static void lag(RedisServer a, int seconds, Map<String, Object> row, List<Double> lags) {
        Writers writers = new Writers(Writers.Config.builder().endpoint(a.hostAndPort()).writers(WRITERS)
                .ratePerWriter(RATE).evalShare(1.0 / 3).maxDuration(Duration.ofSeconds(seconds + 30)).keyPrefix("lag")
                .build());
        try (writers) {
            writers.start();
            writers.awaitAcknowledged(RATE / 10, Duration.ofSeconds(10));
            lags.clear();
            long acknowledged = writers.acknowledged();
            sleep(seconds * 1000L);
            row.put("lag-writes-per-second", (writers.acknowledged() - acknowledged) / (double) seconds);
        }
        List<Double> sorted = new ArrayList<>(lags);
        sorted.sort(Double::compare);
        row.put("lag-samples", sorted.size());
        if (!sorted.isEmpty()) {
            row.put("lag-p50-ms", round(sorted.get(sorted.size() / 2)));
            row.put("lag-p99-ms", round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))));
            row.put("lag-max-ms", round(sorted.get(sorted.size() - 1)));
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(List<Map<String, Object>> rows, Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "logical");
        out.put("at", Instant.now().toString());
        out.put("max-heap-mb", HeapSampler.maxHeap() / 1048576.0);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("rows", rows);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), out);
        System.out.println("wrote " + file);
    }
}
