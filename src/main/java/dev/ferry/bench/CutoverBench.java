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
        runs.forEach((mode, list) -> results.put(mode, summary(list)));
        if (opts.netns()) {
            // the same modes through a keepalived VIP in network namespaces (the by-hand baselines stay on loopback)
            results.putAll(new VipBench(opts, OUT).run(base));
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        if (!opts.netnsOnly()) {
            ratios.put("pauseP100OverBareFailoverP100", ratio(runs.get("ferry pause"), runs.get("bare FAILOVER")));
            ratios.put("syncFerryOverBare", SyncBench.ratio(opts.syncKeys(), OUT));
        }
        printTable(results, ratios);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", Instant.now().toString());
        json.put("setup", Map.of("runs", opts.runs(), "keys", opts.keys(), "writers", opts.writers(),
                "ratePerWriter", opts.rate(), "server", base.sourceBinary().label(),
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

    record Run(long gapMillis, Map<String, Long> errors, long lost, long divergent) {
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
        return new Run(result.writers().longestGap().toMillis(), result.writers().errors(), result.lost(), divergent);
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

    private static Map<String, Object> summary(List<Run> runs) {
        List<Long> gaps = runs.stream().map(Run::gapMillis).sorted().toList();
        Map<String, Long> errors = new TreeMap<>();
        runs.forEach(r -> r.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", runs.size());
        s.put("pauseP50Millis", percentile(gaps, 50));
        s.put("pauseP100Millis", gaps.get(gaps.size() - 1));
        s.put("pauseMinMillis", gaps.get(0));
        s.put("errors", errors);
        s.put("lostAcknowledged", runs.stream().mapToLong(Run::lost).sum());
        s.put("divergentKeysBC", runs.stream().mapToLong(Run::divergent).sum());
        s.put("divergentKeysBCPerRunMax", runs.stream().mapToLong(Run::divergent).max().orElse(0));
        return s;
    }

    /** The load averages (1, 5, 15 min) while the bench ran: 5 agents share 2 cores here. */
    static String loadAverage() {
        try {
            return String.join(" ", java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static long percentile(List<Long> sorted, int p) {
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
        OUT.printf("%-15s %9s %9s %-40s %6s %10s%n", "mode", "pause p50", "pause p100", "errors clients saw", "lost", "divergent");
        results.forEach((mode, value) -> {
            Map<String, Object> s = (Map<String, Object>) value;
            OUT.printf("%-15s %7s ms %8s ms %-40s %6s %10s%n", mode, s.get("pauseP50Millis"), s.get("pauseP100Millis"),
                    s.get("errors"), s.get("lostAcknowledged"), s.get("divergentKeysBC"));
        });
        OUT.println();
        ratios.forEach((k, v) -> OUT.println(k + " = " + v));
    }
}
