package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoFleet;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.FleetDemoResult;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code ferry demo --fleet N [--parallel P]}: N throwaway pairs moved as one fleet, each pair's lost writes. */
final class FleetDemo {
    static final int DEFAULT_PARALLEL = 4;
    /** Three servers and a writer per pair: more than this is a load test, not a show (the bench goes to 50). */
    static final int MAX_PAIRS = 50;

    private final int pairs;
    private final int parallel;

    private FleetDemo(int pairs, int parallel) {
        this.pairs = pairs;
        this.parallel = parallel;
    }

    /** Null without --fleet; every number checked before any server starts. */
    static FleetDemo checked(Usage usage, Integer fleet, Integer parallel, Path report) {
        if (fleet == null) {
            if (parallel != null) {
                throw usage.error("--parallel needs --fleet N (pairs to move) or --cluster (shards at once)");
            }
            return null;
        }
        int n = usage.between("--fleet", fleet, 1, MAX_PAIRS);
        if (report != null) {
            throw usage.error("--report is for a single demo: drop it with --fleet (each pair's result is printed)");
        }
        int p = parallel == null ? Math.min(n, DEFAULT_PARALLEL) : usage.between("--parallel", parallel, 1, n);
        return new FleetDemo(n, p);
    }

    int run(DemoConfig config, PrintWriter out) {
        FleetDemoResult result;
        try (DemoFleet fleet = new DemoFleet(config, pairs, parallel)) {
            result = fleet.run(spec -> new FleetCommand.PairLines(out, spec.name()), line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
        }
        print(out, result);
        if (result.lost() > 0) {
            throw new FerryException(ExitCode.INTERNAL, "the writers lost " + result.lost()
                    + " acknowledged writes: this is a bug in ferry, please report it with the journals");
        }
        return result.fleet().exitCode();
    }

    private void print(PrintWriter out, FleetDemoResult result) {
        out.println();
        out.printf("Fleet demo: %s in %.1fs (%d pairs, %d at once)%n", result.fleet().summary(),
                result.took().toMillis() / 1000.0, pairs, parallel);
        for (int i = 0; i < result.pairs().size(); i++) {
            DemoResult pair = result.pairs().get(i);
            String name = DemoFleet.pairName(i);
            String outcome = result.fleet().pairs().stream().filter(p -> p.spec().equals(name)).findFirst()
                    .map(p -> p.outcome().name()).orElse("?");
            out.printf("  %-8s %-12s %d acknowledged, %d lost (b %d, c %d), longest write pause %d ms%n", name, outcome,
                    pair.writers().acknowledged(), pair.lost(), pair.lostOnB().lost(), pair.lostOnC().lost(),
                    pair.writers().longestGap().toMillis());
        }
        out.flush();
    }
}
