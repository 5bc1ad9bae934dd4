package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.testkit.ClusterDemoResult;
import dev.ferry.testkit.DemoCluster;
import dev.ferry.testkit.RedisBinary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 12's cluster benchmark. First, ferry against the by-hand sequence ({@link ClusterByHand}), interleaved,
 * each run a fresh 3 x 1 cluster moved to six new nodes under cluster writers: per shard the longest gap a writer
 * saw around its switch and its time, per run the lost writes and the total. Goals: 0 lost, ferry's p100 gap at
 * most by hand's p100 + 20 ms. Then a 30-shard cluster (60 nodes to 60 new ones), small data, moved by ferry at
 * {@code parallel: 1} and at {@code parallel: 4}: goal, the time at 4 at most 0.4 x the time at 1. Not a test: run
 * {@code bench/cluster.sh}.
 */
public final class ClusterBench {
    private static final PrintStream OUT = System.out;
    static final long GAP_SLACK_MILLIS = 20;
    static final double TIME_RATIO_GOAL = 0.4;
    static final int MAX_SHARDS = 16;
    /** Four nodes per shard, each with its cluster bus port: 50 shards is 200 redis-servers on one machine. */
    static final int MAX_BIG_SHARDS = 50;
    static final String FERRY = "ferry";
    static final String BY_HAND = "by hand";

    /** The cluster being moved, closed by the shutdown hook when the bench is interrupted. */
    private static final AtomicReference<DemoCluster> CURRENT = new AtomicReference<>();

    private ClusterBench() {
    }

    @Command(name = "bench/cluster.sh", mixinStandardHelpOptions = true,
            description = "Cluster moves: ferry against the by-hand sequence on a 3 x 1 cluster, interleaved; then a"
                    + " 30-shard cluster at parallel 1 and at parallel 4.")
    static final class Options implements BenchCli.Checked {
        @Option(names = "--runs", defaultValue = "10", description = "moves each way (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--shards", defaultValue = "3", description = "masters of the compared cluster, 1 replica each (default: ${DEFAULT-VALUE})")
        int shards;

        @Option(names = "--writers", defaultValue = "4", description = "cluster writers (default: ${DEFAULT-VALUE})")
        int writers;

        @Option(names = "--rate", defaultValue = "500", description = "writes per second per writer, a third by EVAL (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--keys", defaultValue = "10000", description = "keys loaded before each move (default: ${DEFAULT-VALUE})")
        int keys;

        @Option(names = "--big-shards", defaultValue = "30", description = "masters of the big cluster, 1 replica each (default: ${DEFAULT-VALUE})")
        int bigShards;

        @Option(names = "--big-parallel", defaultValue = "4", description = "shards at once in the big cluster's second move (default: ${DEFAULT-VALUE})")
        int bigParallel;

        @Option(names = "--big-rate", defaultValue = "100", description = "writes per second per writer on the big cluster (default: ${DEFAULT-VALUE})")
        int bigRate;

        @Option(names = "--big-keys", defaultValue = "3000", description = "keys loaded on the big cluster (default: ${DEFAULT-VALUE})")
        int bigKeys;

        @Option(names = "--skip-compare", description = "only the big cluster")
        boolean skipCompare;

        @Option(names = "--skip-big", description = "only ferry against by hand")
        boolean skipBig;

        @Option(names = "--redis-server", paramLabel = "PATH", description = "redis-server for every node (default: redis-server on PATH)")
        Path redisServer;

        @Option(names = "--out", paramLabel = "FILE", description = "the JSON results (default: bench/results/cluster-TIME.json)")
        Path out = BenchCli.defaultOut("cluster");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void check() {
            BenchCli.positive(spec, "--runs", runs);
            BenchCli.positive(spec, "--writers", writers);
            BenchCli.positive(spec, "--rate", rate);
            BenchCli.positive(spec, "--big-rate", bigRate);
            BenchCli.positive(spec, "--big-parallel", bigParallel);
            atMost("--shards", shards, MAX_SHARDS, "four redis-servers per shard, each run");
            atMost("--big-shards", bigShards, MAX_BIG_SHARDS, "four redis-servers per shard, on one machine");
            if (keys < 0 || bigKeys < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--keys and --big-keys must not be"
                        + " negative, were " + keys + " and " + bigKeys);
            }
            if (bigParallel > bigShards) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--big-parallel must be at most"
                        + " --big-shards (" + bigShards + "), was " + bigParallel);
            }
            if (skipCompare && skipBig) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--skip-compare and --skip-big leave"
                        + " nothing to run: drop one");
            }
            BenchCli.output(out);
        }

        private void atMost(String option, int value, int max, String why) {
            BenchCli.positive(spec, option, value);
            if (value > max) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at most " + max
                        + " (" + why + "), was " + value);
            }
        }

        RedisBinary binary() {
            return redisServer == null ? RedisBinary.system() : RedisBinary.at(redisServer);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o = BenchCli.parseOrExit(new Options(), args);
        RedisBinary binary = o.binary();
        if (!binary.isAvailable()) {
            System.err.println("bench/cluster.sh: no redis-server at " + binary.path()
                    + ": install it (apt-get install redis-server) or pass --redis-server PATH");
            System.exit(2);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ClusterBench::closeCurrent, "cluster-bench-cleanup"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "cluster");
        out.put("at", Instant.now().toString());
        out.put("redis", binary.label());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("maxHeapMb", HeapSampler.maxHeap() / 1048576.0);
        List<Map<String, Object>> compared = List.of();
        List<Map<String, Object>> big = List.of();
        if (!o.skipCompare) {
            DemoCluster.Setup setup = DemoCluster.Setup.defaults(binary, o.shards).withKeys(o.keys)
                    .withWriters(o.writers, o.rate);
            compared = compare(setup, o.runs);
            out.put("compare", Map.of("shards", o.shards, "writers", o.writers, "ratePerWriter", o.rate, "keys",
                    o.keys, "runs", compared));
        }
        if (!o.skipBig) {
            DemoCluster.Setup setup = DemoCluster.Setup.defaults(binary, o.bigShards).withKeys(o.bigKeys)
                    .withWriters(o.writers, o.bigRate);
            big = List.of(measure(setup.withParallel(1), FERRY, 1, ClusterBench::byFerry),
                    measure(setup.withParallel(o.bigParallel), FERRY, 1, ClusterBench::byFerry));
            out.put("big", Map.of("shards", o.bigShards, "writers", o.writers, "ratePerWriter", o.bigRate, "keys",
                    o.bigKeys, "runs", big));
        }
        Map<String, Object> verdict = verdict(compared, big);
        out.put("verdict", verdict);
        print(o, compared, big, verdict);
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out.toFile(), out);
        OUT.println("wrote " + o.out);
        System.exit(Boolean.TRUE.equals(verdict.get("allGoalsMet")) ? 0 : 1);
    }

    /** ferry, by hand, ferry, by hand...: a slow spell of the machine falls on both ways alike. */
    private static List<Map<String, Object>> compare(DemoCluster.Setup setup, int runs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            rows.add(measure(setup, FERRY, run, ClusterBench::byFerry));
            rows.add(measure(setup, BY_HAND, run, demo -> demo.runByHand(ClusterByHand::move, line -> { })));
        }
        return rows;
    }

    private static ClusterDemoResult byFerry(DemoCluster demo) {
        return demo.run(failuresOnly(), line -> { }, spec -> { });
    }

    /** One move of a fresh cluster: per shard its gap and time, the run's lost writes, total time, peak heap. */
    private static Map<String, Object> measure(DemoCluster.Setup setup, String way, int run,
            Function<DemoCluster, ClusterDemoResult> move) {
        OUT.printf("== %s, run %d: %d shards, parallel %d%n", way, run, setup.shards(), setup.parallel());
        DemoCluster demo = new DemoCluster(setup);
        CURRENT.set(demo);
        ClusterDemoResult result;
        long peakHeap;
        System.gc();
        try (demo; HeapSampler heap = new HeapSampler()) {
            result = move.apply(demo);
            peakHeap = heap.peakUsed();
        } finally {
            CURRENT.set(null);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("way", way);
        row.put("run", run);
        row.put("shards", setup.shards());
        row.put("parallel", setup.parallel());
        row.put("completed", result.completed());
        result.failure().ifPresent(e -> row.put("failure", e.getMessage()));
        row.put("totalSeconds", result.took().toMillis() / 1000.0);
        row.put("shardGapMillis", result.gapMillis());
        row.put("shardSwitchGapMillis", result.switchGapMillis());
        row.put("shardMillis", result.shardMillis());
        row.put("gapP100Millis", percentile(result.gapMillis(), 100));
        row.put("lost", result.lost());
        row.put("acknowledged", result.writers().acknowledged());
        row.put("writerErrors", result.writers().errors());
        row.put("oldNodesStillKnown", result.oldNodesStillKnown());
        row.put("peakHeapMb", peakHeap / 1048576.0);
        row.put("peakHeapAfterGcMb", HeapSampler.peakAfterGc() / 1048576.0);
        OUT.printf("   %s in %.1f s, gaps %s ms (up to the switch's end %s), lost %d%s%n", result.completed() ? "done"
                : "FAILED: " + row.get("failure"), row.get("totalSeconds"), result.gapMillis(), result.switchGapMillis(),
                result.lost(),
                result.oldNodesStillKnown().isEmpty() ? "" : ", old nodes still known: " + result.oldNodesStillKnown());
        return row;
    }

    /** The goals of issue 12 from the compared runs and the two big runs (either may be empty: skipped). */
    static Map<String, Object> verdict(List<Map<String, Object>> compared, List<Map<String, Object>> big) {
        Map<String, Object> v = new LinkedHashMap<>();
        long lost = 0;
        boolean allDone = true;
        for (Map<String, Object> row : concat(compared, big)) {
            lost += ((Number) row.get("lost")).longValue();
            allDone &= Boolean.TRUE.equals(row.get("completed"));
        }
        boolean met = lost == 0 && allDone;
        if (!compared.isEmpty()) {
            List<Long> ferry = gaps(compared, FERRY);
            List<Long> hand = gaps(compared, BY_HAND);
            long bound = percentile(hand, 100) + GAP_SLACK_MILLIS;
            v.put("ferryGapP50Millis", percentile(ferry, 50));
            v.put("ferryGapP100Millis", percentile(ferry, 100));
            v.put("byHandGapP50Millis", percentile(hand, 50));
            v.put("byHandGapP100Millis", percentile(hand, 100));
            v.put("ferrySwitchGapP100Millis", percentile(perShard(compared, FERRY, "shardSwitchGapMillis"), 100));
            v.put("byHandSwitchGapP100Millis", percentile(perShard(compared, BY_HAND, "shardSwitchGapMillis"), 100));
            v.put("ferryShardSecondsP50", percentile(shardMillis(compared, FERRY), 50) / 1000.0);
            v.put("byHandShardSecondsP50", percentile(shardMillis(compared, BY_HAND), 50) / 1000.0);
            v.put("gapBoundMillis", bound);
            boolean gapMet = percentile(ferry, 100) <= bound;
            v.put("gapMet", gapMet);
            met &= gapMet;
        }
        if (big.size() == 2) {
            double ratio = seconds(big.get(1)) / seconds(big.get(0));
            v.put("bigSecondsAtParallel1", seconds(big.get(0)));
            v.put("bigSecondsAtParallelN", seconds(big.get(1)));
            v.put("timeRatio", ratio);
            v.put("timeRatioGoal", TIME_RATIO_GOAL);
            v.put("timeRatioMet", ratio <= TIME_RATIO_GOAL);
            met &= ratio <= TIME_RATIO_GOAL;
        }
        v.put("lost", lost);
        v.put("lostMet", lost == 0);
        v.put("everyMoveDone", allDone);
        v.put("allGoalsMet", met);
        return v;
    }

    private static List<Map<String, Object>> concat(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        List<Map<String, Object>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static double seconds(Map<String, Object> row) {
        return ((Number) row.get("totalSeconds")).doubleValue();
    }

    /** Every shard's gap over the runs of one way (a shard that did not end, -1, is left out). */
    static List<Long> gaps(List<Map<String, Object>> rows, String way) {
        return perShard(rows, way, "shardGapMillis");
    }

    private static List<Long> shardMillis(List<Map<String, Object>> rows, String way) {
        return perShard(rows, way, "shardMillis");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> perShard(List<Map<String, Object>> rows, String way, String key) {
        List<Long> out = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (way.equals(row.get("way"))) {
                ((List<Number>) row.get(key)).stream().map(Number::longValue).filter(g -> g >= 0).forEach(out::add);
            }
        }
        return out;
    }

    static long percentile(List<Long> values, int p) {
        return FleetBench.percentile(values, p);
    }

    private static void print(Options o, List<Map<String, Object>> compared, List<Map<String, Object>> big,
            Map<String, Object> v) {
        OUT.println();
        if (!compared.isEmpty()) {
            OUT.printf("%d x 1 cluster, %d runs each way, %d writers x %d/s (a third EVAL)%n", o.shards, o.runs,
                    o.writers, o.rate);
            OUT.printf("%-8s %-4s %-10s %9s %-24s %-24s %6s %10s%n", "way", "run", "outcome", "total s",
                    "gap per shard ms", "shard s", "lost", "heap MB");
            for (Map<String, Object> row : compared) {
                printRow(row);
            }
            OUT.printf("gap p50/p100: ferry %d/%d ms, by hand %d/%d ms; shard time p50: ferry %.1f s, by hand %.1f s%n",
                    v.get("ferryGapP50Millis"), v.get("ferryGapP100Millis"), v.get("byHandGapP50Millis"),
                    v.get("byHandGapP100Millis"), v.get("ferryShardSecondsP50"), v.get("byHandShardSecondsP50"));
            OUT.printf("gap p100 up to the end of the switch itself: ferry %d ms, by hand %d ms%n",
                    v.get("ferrySwitchGapP100Millis"), v.get("byHandSwitchGapP100Millis"));
            OUT.printf("ferry p100 gap <= by hand p100 + %d ms (%d ms): %s%n", GAP_SLACK_MILLIS, v.get("gapBoundMillis"),
                    met(v, "gapMet"));
        }
        if (!big.isEmpty()) {
            OUT.printf("%d x 1 cluster (%d -> %d nodes), %d writers x %d/s%n", o.bigShards, 2 * o.bigShards,
                    2 * o.bigShards, o.writers, o.bigRate);
            for (Map<String, Object> row : big) {
                OUT.printf("  parallel %-3s %-10s %8.1f s, gap p100 %d ms, lost %d, heap %.1f MB%n", row.get("parallel"),
                        outcome(row), seconds(row), row.get("gapP100Millis"), row.get("lost"), row.get("peakHeapMb"));
            }
            if (v.containsKey("timeRatio")) {
                OUT.printf("time ratio %.3f (goal <= %.1f): %s%n", v.get("timeRatio"), TIME_RATIO_GOAL,
                        met(v, "timeRatioMet"));
            }
        }
        OUT.printf("lost %d (goal 0): %s; every move done: %s%n", v.get("lost"), met(v, "lostMet"), v.get("everyMoveDone"));
    }

    private static void printRow(Map<String, Object> row) {
        OUT.printf("%-8s %-4s %-10s %9.1f %-24s %-24s %6s %10.1f%n", row.get("way"), row.get("run"), outcome(row),
                seconds(row), row.get("shardGapMillis"), shardSeconds(row), row.get("lost"), row.get("peakHeapMb"));
    }

    @SuppressWarnings("unchecked")
    private static String shardSeconds(Map<String, Object> row) {
        return ((List<Number>) row.get("shardMillis")).stream().map(m -> String.format("%.1f", m.longValue() / 1000.0))
                .toList().toString();
    }

    private static String outcome(Map<String, Object> row) {
        return Boolean.TRUE.equals(row.get("completed")) ? "done" : "FAILED";
    }

    private static String met(Map<String, Object> v, String key) {
        return Boolean.TRUE.equals(v.get(key)) ? "met" : "MISSED";
    }

    /** The bench prints only what went wrong in ferry's run; the table says the rest. */
    private static RunListener failuresOnly() {
        return new RunListener() {
            @Override
            public void stepFailed(String step, String error) {
                System.err.println(step + " FAILED: " + error);
            }

            @Override
            public void warn(String message) {
                System.err.println("WARN " + message);
            }
        };
    }

    private static void closeCurrent() {
        DemoCluster demo = CURRENT.getAndSet(null);
        if (demo != null) {
            demo.close();
        }
    }
}
