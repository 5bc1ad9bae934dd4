package dev.ferry.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every way to hand writes from a to b, measured side by side in one run: ferry's pause, failover and drain
 * modes, a bare FAILOVER typed by hand, and the seed procedure typed by hand. N cutovers each, under writers at
 * a fixed rate on loopback; the table and JSON give the pause clients saw, their errors, lost acknowledged
 * writes and b↔c divergence, and the ratio of ferry's pause to bare FAILOVER's.
 */
public final class CutoverBench {
    private static final PrintStream OUT = System.out;

    private CutoverBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchArgs opts = BenchArgs.parse(args);
        DemoConfig base = DemoConfig.defaults().withKeys(opts.keys()).withWriters(opts.writers(), opts.rate());
        Map<String, Function<DemoConfig, Run>> modes = new LinkedHashMap<>();
        if (!opts.netnsOnly()) {
            modes.put("ferry pause", c -> ferry(c.withMode("pause")));
            modes.put("ferry failover", c -> ferry(c.withMode("failover")));
            modes.put("ferry drain", c -> ferry(c.withMode("drain")));
            modes.put("bare FAILOVER", c -> byHand(c, ByHand.bareFailover()));
            modes.put("seed by hand", c -> byHand(c, ByHand.seed(Duration.ofSeconds(1))));
        }
        if (!opts.only().isEmpty()) {
            for (String mode : opts.only()) {
                if (!modes.containsKey(mode)) {
                    throw new IllegalArgumentException("--only: no mode " + mode + " (modes: " + modes.keySet() + ")");
                }
            }
            modes.keySet().retainAll(opts.only());
        }
        double pacing = 1000.0 / opts.rate();
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (var mode : modes.entrySet()) {
            List<Run> list = new ArrayList<>();
            for (int i = 0; i < opts.runs(); i++) {
                list.add(mode.getValue().apply(base));
                OUT.printf("%-15s run %2d/%d: gap %4d ms, lost %d, divergent %d%n", mode.getKey(), i + 1, opts.runs(),
                        list.get(i).gapMillis(), list.get(i).lost(), list.get(i).divergent());
            }
            runs.put(mode.getKey(), list);
        }
        runs.forEach((mode, list) -> results.put(mode, summary(list, pacing)));
        if (opts.netns()) {
            // the same modes through a keepalived VIP in network namespaces (the by-hand baselines stay on loopback)
            results.putAll(new VipBench(opts, OUT).run(base));
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        if (runs.containsKey("ferry pause") && runs.containsKey("bare FAILOVER")) {
            ratios.put("pauseP100OverBareFailoverP100", ratio(runs.get("ferry pause"), runs.get("bare FAILOVER")));
            ratios.put("syncFerryOverBare", SyncBench.ratio(opts.syncKeys(), OUT));
        }
        printTable(results, ratios);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", Instant.now().toString());
        json.put("setup", Map.of("runs", opts.runs(), "keys", opts.keys(), "writers", opts.writers(),
                "ratePerWriter", opts.rate(), "pacingMillis", pacing, "server", base.sourceBinary().label(),
                "network", opts.netns() ? "loopback, and netns+keepalived for the netns rows" : "loopback",
                "vip", opts.netns() ? Map.of("handover", opts.plainSwap() ? "plain priority swap" : "fast (handover-file)",
                        "rollback", opts.rollback(), "writers", "per kind: " + opts.writers() + " reconnecting at once, "
                        + opts.writers() + " with a connection per request", "loadAverage", loadAverage()) : Map.of()));
        json.put("modes", results);
        json.put("ratios", ratios);
        Path out = opts.out();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Journal.json().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        OUT.println("wrote " + out);
    }

    /** {@code phases}: ferry's critical path from the fence to the unpause (the cutover's phasesMillis), if any. */
    record Run(Duration gap, Map<String, Long> errors, long lost, long divergent, Map<String, Double> phases) {
        long gapMillis() {
            return gap.toMillis();
        }
    }

    private static Run ferry(DemoConfig config) {
        try (Demo demo = new Demo(config)) {
            return measured(demo, demo.run(RunListener.SILENT, line -> { }));
        }
    }

    private static Run byHand(DemoConfig config, Consumer<Demo> cutover) {
        try (Demo demo = new Demo(config)) {
            return measured(demo, demo.runByHand(cutover, line -> { }));
        }
    }

    private static Run measured(Demo demo, DemoResult result) {
        long divergent;
        try (Jedis b = demo.b().client(); Jedis c = demo.c().client()) {
            divergent = onlyOn(b, c);
        }
        return new Run(result.writers().longestGap(), result.writers().errors(), result.lost(), divergent, phases(result));
    }

    /** The cutover's critical path as ferry's report gives it; empty for the by-hand baselines and other modes. */
    private static Map<String, Double> phases(DemoResult result) {
        Map<String, Double> phases = new LinkedHashMap<>();
        if (result.report().get("cutover") instanceof Map<?, ?> cutover && cutover.get("phasesMillis") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> phases.put(String.valueOf(k), ((Number) v).doubleValue()));
        }
        if (!phases.isEmpty()) {
            // ferry's share of a writer's gap: from the fence until a's clients are closed (then they reconnect to b)
            double upToClose = 0;
            for (var phase : phases.entrySet()) {
                upToClose += phase.getValue();
                if (phase.getKey().equals("closeClients")) {
                    break;
                }
            }
            double total = phases.values().stream().mapToDouble(Double::doubleValue).sum();
            phases.put("= fence to clients closed", round2(upToClose));
            phases.put("= fence to unpause", round2(total));
        }
        return phases;
    }

    /** Keys b has and c lacks: writes b took as a writable replica that never reached c. */
    static long onlyOn(Jedis from, Jedis other) {
        long missing = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = from.scan(cursor, new ScanParams().count(1000));
            for (String key : page.getResult()) {
                if (!other.exists(key)) {
                    missing++;
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return missing;
    }

    private static Map<String, Object> summary(List<Run> runs, double pacing) {
        List<Long> gaps = runs.stream().map(Run::gapMillis).sorted().toList();
        List<Double> net = runs.stream().map(r -> Math.max(0, r.gap().toNanos() / 1e6 - pacing)).sorted().toList();
        Map<String, Long> errors = new TreeMap<>();
        runs.forEach(r -> r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", runs.size());
        s.put("pauseP50Millis", percentile(gaps, 50));
        s.put("pauseP100Millis", gaps.get(gaps.size() - 1));
        s.put("pauseMinMillis", gaps.get(0));
        // the measure: the longest gap a writer saw, less the interval it waits between two writes anyway
        s.put("gapNetOfPacingP50Millis", round2(percentile(net, 50)));
        s.put("gapNetOfPacingP100Millis", round2(net.get(net.size() - 1)));
        s.put("errors", errors);
        s.put("lostAcknowledged", runs.stream().mapToLong(Run::lost).sum());
        s.put("divergentKeysBC", runs.stream().mapToLong(Run::divergent).sum());
        s.put("divergentKeysBCPerRunMax", runs.stream().mapToLong(Run::divergent).max().orElse(0));
        Map<String, Object> path = criticalPath(runs);
        if (!path.isEmpty()) {
            s.put("criticalPathMillis", path);
        }
        List<Map<String, Object>> each = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("gapMillis", round2(r.gap().toNanos() / 1e6));
            one.put("lost", r.lost());
            if (!r.phases().isEmpty()) {
                one.put("phasesMillis", r.phases());
            }
            each.add(one);
        }
        s.put("perRun", each);
        return s;
    }

    /** Per phase of ferry's critical path (fence to unpause), p50 and p100 over the runs, in ms. */
    private static Map<String, Object> criticalPath(List<Run> runs) {
        Map<String, List<Double>> byPhase = new LinkedHashMap<>();
        runs.forEach(r -> r.phases().forEach((phase, ms) -> byPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(ms)));
        Map<String, Object> path = new LinkedHashMap<>();
        byPhase.forEach((phase, list) -> {
            List<Double> sorted = list.stream().sorted().toList();
            path.put(phase, Map.of("p50", round2(percentile(sorted, 50)), "p100", round2(sorted.get(sorted.size() - 1))));
        });
        return path;
    }

    private static double round2(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    /** The load averages (1, 5, 15 min) while the bench ran: 5 agents share 2 cores here. */
    static String loadAverage() {
        try {
            return String.join(" ", java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static <T> T percentile(List<T> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double ratio(List<Run> ferry, List<Run> bare) {
        long f = ferry.stream().mapToLong(Run::gapMillis).max().orElse(0);
        long b = bare.stream().mapToLong(Run::gapMillis).max().orElse(1);
        return Math.round(f * 1000.0 / Math.max(1, b)) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(Map<String, Object> results, Map<String, Object> ratios) {
        OUT.println();
        OUT.printf("%-15s %9s %9s %15s %-40s %6s %10s%n", "mode", "pause p50", "pause p100", "net p50/p100",
                "errors clients saw", "lost", "divergent");
        results.forEach((mode, value) -> {
            Map<String, Object> s = (Map<String, Object>) value;
            OUT.printf("%-15s %7s ms %8s ms %15s %-40s %6s %10s%n", mode, s.get("pauseP50Millis"), s.get("pauseP100Millis"),
                    s.get("gapNetOfPacingP50Millis") + "/" + s.get("gapNetOfPacingP100Millis"), s.get("errors"),
                    s.get("lostAcknowledged"), s.get("divergentKeysBC"));
        });
        OUT.println("(net: the longest gap less the writers' pacing interval)");
        results.forEach((mode, value) -> {
            if (((Map<String, Object>) value).get("criticalPathMillis") instanceof Map<?, ?> path) {
                OUT.println();
                OUT.printf("%-15s critical path, fence to unpause   %8s %8s%n", mode, "p50 ms", "p100 ms");
                path.forEach((phase, v) -> OUT.printf("  %-47s %8s %8s%n", phase, ((Map<?, ?>) v).get("p50"),
                        ((Map<?, ?>) v).get("p100")));
            }
        });
        OUT.println();
        ratios.forEach((k, v) -> OUT.println(k + " = " + v));
    }
}
