package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spec.CutoverSpec;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.NetnsBed;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.VipDemo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Runs the whole procedure on throwaway servers: a, b, c in network namespaces "
        + "with keepalived moving a VIP (or, with --local or where namespaces are not available, on loopback ports with "
        + "a hook switch), a dataset, writers that count acknowledged writes, then the writers' own count of lost "
        + "writes. With --cluster, a throwaway Redis Cluster moved to new nodes shard by shard. Cleans up everything it"
        + " started.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--local", description = "servers on loopback with a hook switch; without it the demo runs the "
            + "seed's topology in network namespaces with keepalived moving a VIP, when this machine allows it")
    boolean local;

    @Option(names = "--keys", defaultValue = "100000", description = "keys loaded on a (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--writers", defaultValue = "4", description = "writer clients (default: ${DEFAULT-VALUE})")
    int writers;

    @Option(names = "--rate", defaultValue = "500", description = "writes per second per writer (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--max-pause", defaultValue = "2s", description = "cutover max-pause (default: ${DEFAULT-VALUE})")
    String maxPause;

    @Option(names = "--mode", defaultValue = "pause", description = "cutover mode: pause, failover or drain (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--redis-server", paramLabel = "PATH", description = "redis-server binary for a, b and c (with --cluster: for every node) (default: redis-server on PATH)")
    Path redisServer;

    @Option(names = "--report", paramLabel = "FILE", description = "write the report as JSON (not with --fleet)")
    Path report;

    @Option(names = "--fleet", paramLabel = "N", description = "moves N throwaway pairs (on loopback, hook switch, each"
            + " with its own writers) as one fleet, then prints each pair's lost writes and the fleet's summary")
    Integer fleet;

    @Option(names = "--parallel", paramLabel = "N", description = "with --fleet: pairs moved at once (default: the"
            + " smaller of --fleet and " + FleetDemo.DEFAULT_PARALLEL + "); with --cluster: shards moved at once"
            + " (default: 1)")
    Integer parallel;

    @Option(names = "--cluster", description = "moves a throwaway Redis Cluster (--shards masters with one replica"
            + " each, on loopback) to as many new masters and replicas with ferry's cluster run, under cluster-aware"
            + " writers (--writers x --rate, a third by EVAL); then prints the lost writes, each shard's longest"
            + " writer gap around its switch and the total time")
    boolean cluster;

    @Option(names = "--shards", paramLabel = "N", description = "with --cluster: masters of the cluster, 1 to "
            + ClusterDemo.MAX_SHARDS + " (default: " + ClusterDemo.DEFAULT_SHARDS + ")")
    Integer shards;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    /** Bounds that keep a demo within this machine's means: it is a show, not a load test. */
    private static final int MAX_KEYS = 50_000_000;
    private static final int MAX_WRITERS = 64;
    private static final int MAX_RATE = 100_000;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        ClusterDemo clusterDemo = ClusterDemo.checked(new Usage(cmd), cluster, shards, parallel, fleet, local, mode);
        if (clusterDemo != null) {
            DemoConfig config = config();
            if (report != null) {
                dev.ferry.core.journal.OutputPaths.file("--report", report);
            }
            return clusterDemo.run(config.sourceBinary(), keys, writers, rate, config.maxPause(), report, out);
        }
        FleetDemo fleetDemo = FleetDemo.checked(new Usage(cmd), fleet, parallel, report);
        DemoConfig config = config();
        if (fleetDemo != null) {
            return fleetDemo.run(config, out);
        }
        if (report != null) {
            dev.ferry.core.journal.OutputPaths.file("--report", report);
        }
        DemoResult result = runDemo(config, out);
        if (report != null) {
            ReportWriter.write(report, result.report());
        }
        ReportWriter.summary(out, result.report());
        if (result.lost() > 0) {
            throw new FerryException(ExitCode.INTERNAL, "the writers lost " + result.lost()
                    + " acknowledged writes: this is a bug in ferry, please report it with the journal");
        }
        return 0;
    }

    private DemoResult runDemo(DemoConfig config, PrintWriter out) {
        java.util.function.Consumer<String> say = line -> {
            out.println(line);
            out.flush();
        };
        Console console = new Console(out, Console.isTerminal());
        if (!local) {
            String why = NetnsBed.unavailableReason();
            if (why.isEmpty()) {
                try (VipDemo demo = new VipDemo(config)) {
                    return demo.run(console, say);
                }
            }
            say.accept("cannot run the namespace demo (" + why + "): running ferry demo --local instead");
        }
        try (Demo demo = new Demo(config)) {
            return demo.run(console, say);
        }
    }

    private DemoConfig config() {
        Usage usage = new Usage(cmd);
        usage.between("--keys", keys, 0, MAX_KEYS);
        usage.between("--writers", writers, 1, MAX_WRITERS);
        usage.between("--rate", rate, 1, MAX_RATE);
        Duration pause = usage.duration("--max-pause", maxPause, Duration.ofMillis(1), CutoverSpec.MAX_PAUSE_LIMIT);
        if (Arrays.stream(CutoverSpec.Mode.values()).noneMatch(m -> m.label().equals(mode))) {
            throw usage.error("--mode must be one of " + Arrays.toString(CutoverSpec.Mode.values()) + ", was " + mode);
        }
        RedisBinary binary = redisServer == null ? RedisBinary.system() : RedisBinary.at(redisServer);
        if (!binary.isAvailable()) {
            throw new FerryException(ExitCode.BAD_SPEC, "no redis-server at " + binary.path()
                    + ": install it (apt-get install redis-server) or pass --redis-server PATH");
        }
        return DemoConfig.defaults().withKeys(keys).withWriters(writers, rate).withBinaries(binary, binary, binary)
                .withMaxPause(pause).withMode(mode);
    }
}
