package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.run.Planner;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.testkit.ClusterDemoResult;
import dev.ferry.testkit.DemoCluster;
import dev.ferry.testkit.RedisBinary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ferry demo --cluster [--shards N] [--parallel P]}: a throwaway N-master x 1-replica cluster moved to 2N
 * new nodes by ferry's cluster run under cluster-aware writers; then lost writes, each shard's longest writer gap
 * around its switch, and the total time.
 */
final class ClusterDemo {
    static final int DEFAULT_SHARDS = 3;
    /** Four nodes and their cluster bus per shard on one machine: beyond this it is a load test (the bench). */
    static final int MAX_SHARDS = 16;

    private final int shards;
    private final int parallel;

    private ClusterDemo(int shards, int parallel) {
        this.shards = shards;
        this.parallel = parallel;
    }

    /** Null without --cluster; every option checked before any server starts. */
    static ClusterDemo checked(Usage usage, boolean cluster, Integer shards, Integer parallel, Integer fleet,
            boolean local, String mode) {
        if (!cluster) {
            if (shards != null) {
                throw usage.error("--shards needs --cluster (the demo of a Redis Cluster move)");
            }
            return null;
        }
        if (fleet != null) {
            throw usage.error("--cluster and --fleet are two demos: pick one");
        }
        if (local) {
            throw usage.error("--local is for the single-pair demo: drop it with --cluster (which runs on loopback)");
        }
        if (!"pause".equals(mode)) {
            throw usage.error("--mode is for a standalone move: drop it with --cluster (a shard's switch is a fenced"
                    + " CLUSTER FAILOVER)");
        }
        int n = shards == null ? DEFAULT_SHARDS : usage.between("--shards", shards, 1, MAX_SHARDS);
        int p = parallel == null ? 1 : usage.between("--parallel", parallel, 1, n);
        return new ClusterDemo(n, p);
    }

    int run(RedisBinary binary, int keys, int writers, int rate, Duration maxPause, Path report, PrintWriter out) {
        Consumer<String> say = line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
        DemoCluster.Setup setup = DemoCluster.Setup.defaults(binary, shards).withParallel(parallel).withKeys(keys)
                .withWriters(writers, rate).withMaxPause(maxPause);
        ClusterDemoResult result;
        try (DemoCluster demo = new DemoCluster(setup)) {
            Console console = new Console(out, Console.isTerminal());
            result = demo.run(console, say, spec -> printPlan(out, spec, demo.runner(spec, console).plan()));
            if (report != null) {
                ClusterCli.writeOrWarn(out, report, withWriters(result), demo.stateDir());
            }
        }
        if (result.completed()) {
            ClusterCli.summary(out, result.report());
        }
        printVerdict(out, result);
        if (result.lost() > 0) {
            throw new FerryException(ExitCode.INTERNAL, "the writers lost " + result.lost()
                    + " acknowledged writes: this is a bug in ferry, please report it with the journals");
        }
        result.failure().ifPresent(e -> {
            throw e;
        });
        return 0;
    }

    /** The plan as one screen: the nodes, the checks' count, each shard's steps (ferry plan SPEC shows every command). */
    private void printPlan(PrintWriter out, ClusterSpec spec, Planner.Plan plan) {
        out.println("Plan for " + spec.name() + ": " + shards + " shards, " + parallel + " at once, old nodes: "
                + spec.oldNodes().label());
        for (ClusterSpec.Move move : spec.moves()) {
            out.println("  " + move.from().address() + " -> " + move.to().address() + " + replicas "
                    + move.replicas().stream().map(r -> r.address()).toList());
        }
        long warn = plan.checks().stream().filter(c -> c.status() == CheckResult.Status.WARN).count();
        long failed = plan.checks().stream().filter(CheckResult::failed).count();
        out.println("  preflight: " + plan.checks().size() + " checks, " + warn + " warnings, " + failed + " failed");
        plan.checks().stream().filter(c -> c.failed() || c.status() == CheckResult.Status.WARN)
                .forEach(c -> out.println("    " + c.oneLine()));
        String shardSteps = plan.steps().stream().map(Planner.PlannedStep::name).filter(n -> n.startsWith("shard 1: "))
                .map(n -> n.substring("shard 1: ".length())).collect(Collectors.joining(", "));
        out.println("  each shard: " + shardSteps + " (ferry plan SPEC lists every command)");
        out.println();
        out.flush();
    }

    private static Map<String, Object> withWriters(ClusterDemoResult result) {
        Map<String, Object> report = new java.util.LinkedHashMap<>(result.report());
        Map<String, Object> w = new java.util.LinkedHashMap<>();
        w.put("acknowledged", result.writers().acknowledged());
        w.put("errors", result.writers().errors());
        w.put("lost", result.lost());
        w.put("missingSample", result.loss().missingSample());
        w.put("longestGapMillisPerShard", result.gapMillis());
        w.put("shardMillis", result.shardMillis());
        w.put("totalMillis", result.took().toMillis());
        w.put("oldNodesStillKnown", result.oldNodesStillKnown());
        report.put("writers", w);
        return report;
    }

    private void printVerdict(PrintWriter out, ClusterDemoResult result) {
        out.println();
        out.printf("Cluster demo: %s in %.1fs (%d shards, %d at once)%n", result.completed() ? "DONE"
                : "FAILED (" + result.failure().get().getMessage() + ")", result.took().toMillis() / 1000.0, shards,
                parallel);
        out.printf("  writers: %d acknowledged, %d lost%s, errors %s%n", result.writers().acknowledged(), result.lost(),
                result.lost() == 0 ? "" : " e.g. " + result.loss().missingSample(), result.writers().errors());
        out.println("  old nodes still in the new nodes' view: " + (result.oldNodesStillKnown().isEmpty() ? "none"
                : result.oldNodesStillKnown()));
        if (parallel > 1) {
            out.println("  (shards moved at once: their switch windows overlap, so a gap may belong to another shard)");
        }
        List<Long> gaps = result.gapMillis();
        for (int i = 0; i < gaps.size(); i++) {
            out.printf("  shard %d: moved in %.1fs, longest writer gap around its switch %s%n", i + 1,
                    result.shardMillis().get(i) / 1000.0, gaps.get(i) < 0 ? "-" : gaps.get(i) + " ms");
        }
        out.flush();
    }
}
