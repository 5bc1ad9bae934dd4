package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoFleet;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.FleetDemoResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 13's fleet benchmark: P throwaway pairs (3 small redis-servers each), each with one writer, moved as one
 * fleet with {@code parallel: 1} and again (fresh pairs) with {@code parallel: N}, in one run. The goals: 0 lost,
 * the time at N at most a quarter of the time at 1, and every pair's write pause at N within max(2 x the lone-pair
 * p100, lone p100 + 25 ms), where the lone-pair p100 is the largest pause of any pair at parallel 1. A pair's write
 * pause is its writer's longest gap around its own move: from the start of its cutover step to the end of its last
 * step. Not a test: run {@code bench/fleet.sh}.
 */
public final class FleetBench {
    private static final PrintStream OUT = System.out;
    static final double TIME_RATIO_GOAL = 0.25;
    static final long PAUSE_SLACK_MILLIS = 25;
    static final int MAX_PAIRS = 100;

    /** The fleet being moved, closed by the shutdown hook when the bench is interrupted. */
    private static final AtomicReference<DemoFleet> CURRENT = new AtomicReference<>();

    private FleetBench() {
    }

    @Command(name = "bench/fleet.sh", mixinStandardHelpOptions = true,
            description = "A fleet of P pairs with one writer each, moved at parallel 1 and at parallel N in one run.")
    static final class Options implements BenchCli.Checked {
        @Option(names = "--pairs", defaultValue = "50", description = "pairs in the fleet (default: ${DEFAULT-VALUE}: 3 servers each)")
        int pairs;

        @Option(names = "--parallel", defaultValue = "8", description = "pairs at once in the second run (default: ${DEFAULT-VALUE})")
        int parallel;

        @Option(names = "--rate", defaultValue = "100", description = "writes per second of each pair's writer (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--keys", defaultValue = "1000", description = "keys loaded on each pair's a (default: ${DEFAULT-VALUE})")
        int keys;

        @Option(names = "--out", paramLabel = "FILE", description = "the JSON results (default: bench/results/fleet-TIME.json)")
        Path out = BenchCli.defaultOut("fleet");

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void check() {
            BenchCli.positive(spec, "--pairs", pairs);
            BenchCli.positive(spec, "--parallel", parallel);
            BenchCli.positive(spec, "--rate", rate);
            BenchCli.positive(spec, "--keys", keys);
            if (pairs > MAX_PAIRS) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--pairs must be at most " + MAX_PAIRS
                        + " (3 redis-servers and a writer each, on one machine), was " + pairs);
            }
            if (parallel > pairs) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--parallel must be at most --pairs ("
                        + pairs + "), was " + parallel);
            }
            BenchCli.output(out);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o = BenchCli.parseOrExit(new Options(), args);
        Runtime.getRuntime().addShutdownHook(new Thread(FleetBench::closeCurrent, "fleet-bench-cleanup"));
        DemoConfig config = DemoConfig.defaults().withKeys(o.keys).withWriters(1, o.rate);
        Map<String, Object> one = measure(config, o.pairs, 1);
        Map<String, Object> many = measure(config, o.pairs, o.parallel);
        Map<String, Object> verdict = verdict(one, many);
        print(o, one, many, verdict);
        write(o, one, many, verdict);
        System.exit(Boolean.TRUE.equals(verdict.get("allGoalsMet")) ? 0 : 1);
    }

    /** One fleet of fresh pairs at one concurrency: its time, every pair's pause and losses, ferry's heap. */
    private static Map<String, Object> measure(DemoConfig config, int pairs, int parallel) {
        OUT.printf("== %d pairs, parallel %d: starting %d redis-servers%n", pairs, parallel, 3 * pairs);
        DemoFleet fleet = new DemoFleet(config, pairs, parallel);
        CURRENT.set(fleet);
        FleetDemoResult result;
        long peakHeap;
        Map<String, Queue<Long>> steps = Collections.synchronizedMap(new LinkedHashMap<>()); // in the steps' order
        Map<String, Long> movePauses = new ConcurrentHashMap<>();
        Map<String, Demo> byName = new LinkedHashMap<>();
        for (int i = 0; i < pairs; i++) {
            byName.put(DemoFleet.pairName(i), fleet.demos().get(i));
        }
        System.gc();
        try (fleet; HeapSampler heap = new HeapSampler()) {
            result = fleet.run(spec -> timed(spec.name(), steps, byName.get(spec.name()), movePauses), line -> { });
            peakHeap = heap.peakUsed();
        } finally {
            CURRENT.set(null);
        }
        List<Long> pauses = byName.keySet().stream().map(name -> movePauses.getOrDefault(name, -1L)).toList();
        List<Long> lifeGaps = result.pairs().stream().map(p -> p.writers().longestGap().toMillis()).toList();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("parallel", parallel);
        row.put("pairs", pairs);
        row.put("outcome", result.fleet().summary());
        row.put("exitCode", result.fleet().exitCode());
        row.put("totalSeconds", result.took().toMillis() / 1000.0);
        row.put("preflightSeconds", result.beforeFirstPair().toMillis() / 1000.0);
        List<Long> pairMillis = result.fleet().pairs().stream().map(p -> p.millis()).toList();
        row.put("pairSecondsP50", percentile(pairMillis, 50) / 1000.0);
        row.put("pairSecondsP100", percentile(pairMillis, 100) / 1000.0);
        row.put("pauseP50Millis", percentile(pauses, 50));
        row.put("pauseP100Millis", percentile(pauses, 100));
        row.put("pausesMillis", pauses);
        row.put("lifeLongestGapP100Millis", percentile(lifeGaps, 100));
        row.put("lifeLongestGapsMillis", lifeGaps);
        List<Long> fenced = result.pairs().stream().map(p -> cutoverMillis(p, "pauseMillis")).toList();
        row.put("fencedP100Millis", percentile(fenced, 100));
        row.put("fencedMillis", fenced);
        Map<String, Long> phases = new LinkedHashMap<>();
        for (String phase : CUTOVER_PHASES) {
            phases.put(phase, percentile(result.pairs().stream().map(p -> cutoverMillis(p, phase)).toList(), 100));
        }
        row.put("cutoverPhasesP100Millis", phases);
        row.put("gateWaitP50Millis", percentile(result.pairs().stream().map(p -> cutoverMillis(p, "gateWaitMillis")).toList(), 50));
        Map<String, List<Long>> stepMillis = new LinkedHashMap<>();
        synchronized (steps) {
            steps.forEach((step, took) -> stepMillis.put(step,
                    List.of(percentile(List.copyOf(took), 50), percentile(List.copyOf(took), 100))));
        }
        row.put("stepMillisP50P100", stepMillis);
        row.put("lost", result.lost());
        row.put("acknowledged", result.pairs().stream().mapToLong(p -> p.writers().acknowledged()).sum());
        row.put("peakHeapMb", peakHeap / 1048576.0);
        row.put("peakHeapAfterGcMb", HeapSampler.peakAfterGc() / 1048576.0);
        OUT.printf("   %s in %.1f s, pause p100 %d ms, lost %d%n", row.get("outcome"), row.get("totalSeconds"),
                row.get("pauseP100Millis"), result.lost());
        return row;
    }

    /** The goals of issue 13, from the two runs. */
    static Map<String, Object> verdict(Map<String, Object> one, Map<String, Object> many) {
        double ratio = (double) many.get("totalSeconds") / (double) one.get("totalSeconds");
        long lone = (long) one.get("pauseP100Millis");
        long bound = Math.max(2 * lone, lone + PAUSE_SLACK_MILLIS);
        @SuppressWarnings("unchecked")
        List<Long> pauses = (List<Long>) many.get("pausesMillis");
        long over = pauses.stream().filter(p -> p > bound).count();
        long lost = (long) one.get("lost") + (long) many.get("lost");
        boolean allDone = (int) one.get("exitCode") == 0 && (int) many.get("exitCode") == 0;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("timeRatio", ratio);
        v.put("timeRatioGoal", TIME_RATIO_GOAL);
        v.put("timeRatioMet", ratio <= TIME_RATIO_GOAL);
        v.put("lonePairP100Millis", lone);
        v.put("pauseBoundMillis", bound);
        v.put("pairsOverPauseBound", over);
        v.put("pauseMet", over == 0);
        v.put("lost", lost);
        v.put("lostMet", lost == 0);
        v.put("everyPairDone", allDone);
        v.put("allGoalsMet", ratio <= TIME_RATIO_GOAL && over == 0 && lost == 0 && allDone);
        return v;
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static void print(Options o, Map<String, Object> one, Map<String, Object> many, Map<String, Object> v) {
        OUT.println();
        OUT.printf("fleet of %d pairs, 1 writer each at %d writes/s%n", o.pairs, o.rate);
        OUT.printf("%-10s %-14s %9s %13s %12s %13s %14s %15s %6s %13s%n", "parallel", "outcome", "total s",
                "preflight s", "pair s p50", "pause p50 ms", "pause p100 ms", "fenced p100 ms", "lost", "peak heap MB");
        for (Map<String, Object> row : List.of(one, many)) {
            OUT.printf("%-10s %-14s %9.1f %13.1f %12.1f %13d %14d %15d %6d %13.1f%n", row.get("parallel"),
                    row.get("outcome"), row.get("totalSeconds"), row.get("preflightSeconds"), row.get("pairSecondsP50"),
                    row.get("pauseP50Millis"), row.get("pauseP100Millis"), row.get("fencedP100Millis"), row.get("lost"),
                    row.get("peakHeapMb"));
        }
        OUT.printf("cutover phases p100 (ms) at 1: %s, at %d: %s%n", one.get("cutoverPhasesP100Millis"), o.parallel,
                many.get("cutoverPhasesP100Millis"));
        OUT.printf("step ms p50/p100 at 1: %s%n   at %d: %s%n", one.get("stepMillisP50P100"), o.parallel,
                many.get("stepMillisP50P100"));
        OUT.printf("writers' longest gap over their whole life (not only their move), p100: at 1 %d ms, at %d %d ms%n",
                one.get("lifeLongestGapP100Millis"), o.parallel, many.get("lifeLongestGapP100Millis"));
        OUT.printf("time ratio %.3f (goal <= %.2f): %s%n", v.get("timeRatio"), TIME_RATIO_GOAL, met(v, "timeRatioMet"));
        OUT.printf("pause at %d: every pair <= %d ms (lone p100 %d ms): %s (%d over)%n", o.parallel,
                v.get("pauseBoundMillis"), v.get("lonePairP100Millis"), met(v, "pauseMet"), v.get("pairsOverPauseBound"));
        OUT.printf("lost %d (goal 0): %s%n", v.get("lost"), met(v, "lostMet"));
    }

    private static String met(Map<String, Object> v, String key) {
        return Boolean.TRUE.equals(v.get(key)) ? "met" : "MISSED";
    }

    private static void write(Options o, Map<String, Object> one, Map<String, Object> many, Map<String, Object> v)
            throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bench", "fleet");
        out.put("at", Instant.now().toString());
        out.put("pairs", o.pairs);
        out.put("ratePerPair", o.rate);
        out.put("keysPerPair", o.keys);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("maxHeapMb", HeapSampler.maxHeap() / 1048576.0);
        out.put("runs", List.of(one, many));
        out.put("verdict", v);
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.out.toFile(), out);
        OUT.println("wrote " + o.out);
    }

    /**
     * How long ferry itself held a's writes (its cutover's pauseMillis), beside the writer's longest gap: at parallel 1
     * a writer lives through the whole fleet run, so its longest gap may come from a hiccup far from its cutover.
     */
    private static long cutoverMillis(DemoResult pair, String fact) {
        return pair.report().get("cutover") instanceof Map<?, ?> cutover && cutover.get(fact) instanceof Number n
                ? n.longValue() : -1;
    }

    /**
     * Where a long fence went: b catching up, b promoted, the switch (each from the report's cutover facts); and how
     * long the pair waited at the fleet's gate for the other pairs' fenced windows, before its own fence.
     */
    private static final List<String> CUTOVER_PHASES = List.of("catchUpMillis", "promotedAfterMillis", "switchMillis",
            "gateWaitMillis");

    /**
     * The bench prints only what went wrong in a pair (the table says the rest), keeps how long each step of each
     * pair took (where the time of a pair goes at parallel 1 and at N), and the pair's write pause: its writer's
     * longest gap from the start of its cutover step to the end of its last step. At parallel 1 a writer lives
     * through the whole fleet run (minutes), and its longest gap over that life may come from a stall of the machine
     * far from its own move (kept as {@code lifeLongestGapsMillis}).
     */
    private static RunListener timed(String pair, Map<String, Queue<Long>> steps, Demo demo, Map<String, Long> pauses) {
        AtomicBoolean moving = new AtomicBoolean();
        return new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (Cutover.NAME.equals(step) && !moving.getAndSet(true)) {
                    demo.writers().resetLongestGap(); // a gap open now still counts from its last acknowledged write
                }
            }

            @Override
            public void stepFinished(String step, Duration took, Map<String, Object> facts) {
                steps.computeIfAbsent(step, s -> new ConcurrentLinkedQueue<>()).add(took.toMillis());
                if (moving.get()) {
                    pauses.put(pair, demo.writers().longestGapPerWriter().stream().mapToLong(Duration::toMillis).max()
                            .orElse(-1));
                }
            }

            @Override
            public void stepFailed(String step, String error) {
                System.err.println("[" + pair + "] " + step + " FAILED: " + error);
            }
        };
    }

    private static void closeCurrent() {
        DemoFleet fleet = CURRENT.getAndSet(null);
        if (fleet != null) {
            fleet.close();
        }
    }
}
