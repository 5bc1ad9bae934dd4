package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

/**
 * Verify throughput against {@code redis-cli --rdb} on the same data in the same run, and ferry's heap as the
 * key count grows, quiet and under live writes. Not a test: run {@code bench/verify.sh}, which gives the JVM
 * -Xmx256m. Arguments: key counts (default 250000 500000 1000000), and {@code --ttl} to give every key a TTL;
 * {@code --out FILE} (or {@code FERRY_BENCH_OUT}) names the JSON file.
 */
public final class VerifyBench {
    private static final int VALUE_BYTES = 100;
    private static final int LOAD_BATCH = 10_000;
    private static final Duration RDB_TIMEOUT = Duration.ofMinutes(5);
    private static final int LIVE_WRITERS = 2;
    private static final int LIVE_RATE = 500;

    private VerifyBench() {
    }

    /** {@code bench/verify.sh --help}. */
    @picocli.CommandLine.Command(name = "bench/verify.sh", mixinStandardHelpOptions = true,
            description = "ferry verify's throughput against redis-cli --rdb on the same data, and its heap.")
    static final class Options implements BenchCli.Checked {
        @picocli.CommandLine.Parameters(paramLabel = "KEYS", arity = "0..*",
                description = "key counts to measure (default: 250000 500000 1000000)")
        List<Integer> counts = new ArrayList<>();

        @picocli.CommandLine.Option(names = "--ttl", description = "give every key a TTL")
        boolean ttl;

        @picocli.CommandLine.Option(names = "--out", paramLabel = "FILE",
                description = "the JSON results (default: $FERRY_BENCH_OUT, else bench/results/verify-TIME.json)")
        Path out = System.getenv("FERRY_BENCH_OUT") != null ? Path.of(System.getenv("FERRY_BENCH_OUT"))
                : BenchCli.defaultOut("verify");

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void check() {
            counts.forEach(n -> BenchCli.positive(spec, "KEYS", n));
            BenchCli.output(out);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = BenchCli.parseOrExit(new Options(), args);
        List<Integer> counts = options.counts.isEmpty() ? List.of(250_000, 500_000, 1_000_000) : options.counts;
        boolean ttl = options.ttl;
        int workers = Integer.getInteger("workers", 2);
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf("%10s %8s %9s %13s %6s %13s %12s %18s %12s %10s%n", "keys", "rdb s", "verify s",
                "verify keys/s", "ratio", "peak heap MB", "after-GC MB", "cpu s a/b/ferry", "live verify", "live ratio");
        for (int keys : counts) {
            Map<String, Object> row = run(keys, workers, ttl);
            rows.add(row);
            System.out.printf("%10d %8.2f %9.2f %13.0f %6.2f %13.1f %12.1f %6.1f/%4.1f/%5.1f %12.2f %10.2f%n", keys,
                    row.get("rdb-seconds"), row.get("verify-seconds"), row.get("verify-keys-per-second"),
                    row.get("ratio"), row.get("peak-heap-mb"), row.get("peak-after-gc-mb"), row.get("cpu-seconds-a"),
                    row.get("cpu-seconds-b"), row.get("cpu-seconds-ferry"), row.get("live-verify-seconds"),
                    row.get("live-ratio"));
        }
        write(rows, workers, options.out);
    }

    private static Map<String, Object> run(int keys, int workers, boolean ttl) throws Exception {
        Map<String, String> config = Map.of("repl-diskless-sync-delay", "0", "save", "");
        try (RedisServer a = RedisServer.start(RedisBinary.system(), config);
                RedisServer b = RedisServer.start(RedisBinary.system(), config)) {
            load(a, keys, ttl);
            replicate(a, b);
            double rdb = rdbSeconds(a);
            resetStats(a);
            resetStats(b);
            double cpuA = cpuSeconds(a);
            double cpuB = cpuSeconds(b);
            long jvmCpu = jvmCpuNanos();
            System.gc();
            PairResult result;
            long peak;
            try (HeapSampler heap = new HeapSampler();
                    RedisNode left = node("a", a); RedisNode right = node("b", b)) {
                result = new Verifier(VerifyOptions.full().withWorkers(workers)).verify(List.of(List.of(left, right)))
                        .pairs().get(0);
                peak = heap.peakUsed();
            }
            if (!result.matches() || result.keys() != keys) {
                throw new IllegalStateException("verify disagreed with the bench data: " + result.facts());
            }
            double verify = result.took().toNanos() / 1e9;
            System.err.println("a: " + commandStats(a));
            System.err.println("b: " + commandStats(b));
            double serverA = cpuSeconds(a) - cpuA;
            double serverB = cpuSeconds(b) - cpuB;
            double ferryCpu = (jvmCpuNanos() - jvmCpu) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("keys", keys);
            row.put("value-bytes", VALUE_BYTES);
            row.put("every-key-with-ttl", ttl);
            row.put("rdb-seconds", rdb);
            row.put("verify-seconds", verify);
            row.put("verify-keys-per-second", keys / verify);
            row.put("ratio", rdb / verify);
            row.put("cpu-seconds-a", serverA);
            row.put("cpu-seconds-b", serverB);
            row.put("cpu-seconds-ferry", ferryCpu);
            row.put("peak-heap-mb", peak / 1048576.0);
            row.put("peak-after-gc-mb", HeapSampler.peakAfterGc() / 1048576.0);
            live(a, b, workers, rdb, row);
            return row;
        }
    }

    /**
     * The same compare while an application writes to a (which b replicates): keys written meanwhile may be on
     * b only, so verify cannot spare its reverse pass, and differences in flight must be re-checked away.
     */
    private static void live(RedisServer a, RedisServer b, int workers, double rdb, Map<String, Object> row) {
        Writers writers = new Writers(Writers.Config.builder().endpoint(a.hostAndPort()).writers(LIVE_WRITERS)
                .ratePerWriter(LIVE_RATE).maxDuration(Duration.ofMinutes(2)).keyPrefix("live").build());
        PairResult result;
        try (writers; RedisNode left = node("a", a); RedisNode right = node("b", b)) {
            writers.start();
            writers.awaitAcknowledged(LIVE_RATE / 10, Duration.ofSeconds(10));
            result = new Verifier(VerifyOptions.full().withWorkers(workers)).verify(List.of(List.of(left, right)))
                    .pairs().get(0);
        }
        if (!result.matches()) {
            throw new IllegalStateException("verify under live writes found differences: " + result.facts());
        }
        double seconds = result.took().toNanos() / 1e9;
        row.put("live-writes-per-second", LIVE_WRITERS * LIVE_RATE);
        row.put("live-verify-seconds", seconds);
        row.put("live-ratio", rdb / seconds);
        row.put("live-reverse-pass", result.reverse());
        row.put("live-rechecked", result.rechecked());
    }

    /** CPU the server used so far (user + system), from INFO cpu. */
    static double cpuSeconds(RedisServer s) {
        try (Jedis j = s.client()) {
            String info = j.info("cpu");
            return field(info, "used_cpu_user") + field(info, "used_cpu_sys");
        }
    }

    static void resetStats(RedisServer s) {
        try (Jedis j = s.client()) {
            j.configResetStat();
        }
    }

    /** Where the server's time went, per command: calls and microseconds, for finding what verify costs. */
    static String commandStats(RedisServer s) {
        try (Jedis j = s.client()) {
            StringBuilder out = new StringBuilder();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^cmdstat_(\\w+):calls=(\\d+),usec=(\\d+)")
                    .matcher(j.info("commandstats"));
            while (m.find()) {
                out.append(m.group(1)).append(' ').append(m.group(2)).append(" calls ")
                        .append(Long.parseLong(m.group(3)) / 1000).append(" ms; ");
            }
            return out.toString();
        }
    }

    private static double field(String info, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + ":([0-9.]+)").matcher(info);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-bench", 10_000, Map.of());
    }

    /** {@code ttl}: every key expires in a day, so verify must ask each key's PTTL. */
    static void load(RedisServer a, int keys, boolean ttl) {
        Random random = new Random(1);
        byte[] value = new byte[VALUE_BYTES];
        try (Jedis j = a.client(Duration.ofSeconds(60))) {
            for (int start = 0; start < keys; start += LOAD_BATCH) {
                try (Pipeline p = j.pipelined()) {
                    for (int n = start; n < Math.min(keys, start + LOAD_BATCH); n++) {
                        random.nextBytes(value);
                        byte[] key = ("key:" + n).getBytes();
                        p.set(key, value.clone());
                        if (ttl) {
                            p.expire(key, 86_400);
                        }
                    }
                    p.sync();
                }
            }
        }
    }

    static void replicate(RedisServer a, RedisServer b) throws InterruptedException {
        try (Jedis ja = a.client(); Jedis jb = b.client()) {
            jb.sendCommand(Protocol.Command.SLAVEOF, a.host(), Integer.toString(a.port()));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!(jb.info("replication").contains("master_link_status:up") && jb.dbSize() == ja.dbSize())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("b did not sync with a within 2 minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Seconds for redis-cli to fetch a's RDB: the floor for reading every key once. */
    private static double rdbSeconds(RedisServer a) throws IOException, InterruptedException {
        Path file = Files.createTempFile("ferry-bench", ".rdb");
        try {
            List<String> command = List.of("redis-cli", "-h", a.host(), "-p", Integer.toString(a.port()), "--rdb",
                    file.toString());
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(RDB_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --rdb failed or took over " + RDB_TIMEOUT);
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(List<Map<String, Object>> rows, int workers, Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "verify");
        out.put("at", Instant.now().toString());
        out.put("max-heap-mb", HeapSampler.maxHeap() / 1048576.0);
        out.put("workers", workers);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("rows", rows);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), out);
        System.out.println("wrote " + file);
    }
}
