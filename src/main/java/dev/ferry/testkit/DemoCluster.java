package dev.ferry.testkit;

import dev.ferry.core.FerryException;
import dev.ferry.core.cluster.ClusterRunner;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.spec.ClusterLoader;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.SecretSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * A whole cluster move on throwaway nodes: a {@link ClusterBed} of {@code shards} masters with one replica each,
 * two empty nodes per shard (the new master and its replica), keys, cluster-aware writers, the move (ferry's
 * {@link ClusterRunner}, or a by-hand sequence for the benchmark), then the old nodes shut down as an operator
 * retires them and the writers' own count of lost writes, read through the cluster. Closing stops every process.
 */
public final class DemoCluster implements AutoCloseable {
    /** Nodes start a full sync at once: the demo's new nodes are empty and nobody else syncs. */
    static final Map<String, String> NODE_CONFIG = Map.of("repl-diskless-sync-delay", "0");
    private static final Duration WRITE_AFTER = Duration.ofSeconds(1);
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final int LOAD_BATCH = 1000;

    /** What to move and how: nodes' binary, shards, shards at once, keys, writers. */
    public record Setup(RedisBinary binary, int shards, int parallel, int keys, int writers, int ratePerWriter,
            double evalShare, Duration maxPause) {
        public Setup {
            if (shards < 1 || parallel < 1 || keys < 0 || writers < 1 || ratePerWriter < 1) {
                throw new IllegalArgumentException("need shards, parallel, writers, rate >= 1 and keys >= 0");
            }
        }

        /** Issue 12's writers: 4 x 500/s, a third of the writes by EVAL. */
        public static Setup defaults(RedisBinary binary, int shards) {
            return new Setup(binary, shards, 1, 10_000, 4, 500, 1.0 / 3, Duration.ofSeconds(2));
        }

        public Setup withParallel(int n) {
            return new Setup(binary, shards, n, keys, writers, ratePerWriter, evalShare, maxPause);
        }

        public Setup withKeys(int n) {
            return new Setup(binary, shards, parallel, n, writers, ratePerWriter, evalShare, maxPause);
        }

        public Setup withWriters(int n, int rate) {
            return new Setup(binary, shards, parallel, keys, n, rate, evalShare, maxPause);
        }

        public Setup withMaxPause(Duration d) {
            return new Setup(binary, shards, parallel, keys, writers, ratePerWriter, evalShare, d);
        }
    }

    private final Setup setup;
    private final Path workDir;
    private ClusterBed bed;
    private List<RedisServer> fresh = List.of();
    private Writers writers;

    public DemoCluster(Setup setup) {
        this.setup = setup;
        try {
            this.workDir = Files.createTempDirectory("ferry-demo-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cluster, its new nodes and its keys. */
    public DemoCluster start(Consumer<String> say) {
        bed = ClusterBed.start(setup.binary(), setup.shards(), 1,
                ClusterBed.Options.defaults().withExtraConfig(NODE_CONFIG).withFormTimeout(formTimeout()));
        fresh = bed.emptyNodes(2 * setup.shards());
        say.accept("started a " + setup.shards() + "-master cluster with 1 replica each (" + setup.binary().label()
                + ") and " + fresh.size() + " empty nodes to move it to");
        loadKeys();
        if (setup.keys() > 0) {
            say.accept("loaded " + setup.keys() + " keys through the cluster");
        }
        return this;
    }

    /** Gossip takes longer to reach every node of a big cluster (the bench's 60 nodes) on a busy machine. */
    private Duration formTimeout() {
        return ClusterBed.Options.DEFAULT_FORM_TIMEOUT.plusSeconds(2L * setup.shards());
    }

    private void loadKeys() {
        try (JedisCluster cluster = new JedisCluster(Set.copyOf(bed.seeds()))) {
            for (int start = 0; start < setup.keys(); start += LOAD_BATCH) {
                try (ClusterPipeline p = cluster.pipelined()) {
                    for (int i = start; i < Math.min(setup.keys(), start + LOAD_BATCH); i++) {
                        p.set("demo-key:" + i, "value-" + i);
                    }
                    p.sync();
                }
            }
        }
    }

    /** Old nodes first (what the writers connect to), then the new ones (what they find once the old are gone). */
    private List<HostAndPort> seeds() {
        Set<HostAndPort> all = new LinkedHashSet<>(bed.seeds());
        fresh.forEach(s -> all.add(s.hostAndPort()));
        return List.copyOf(all);
    }

    public Writers startWriters() {
        writers = Writers.cluster(Writers.Config.builder().writers(setup.writers()).ratePerWriter(setup.ratePerWriter())
                .evalShare(setup.evalShare()).maxDuration(Duration.ofHours(1)).keyPrefix("demo-cluster-writer").build(),
                seeds());
        writers.start();
        writers.awaitAcknowledged(setup.writers() * 10L, WARM_UP);
        return writers;
    }

    /** The spec ferry runs: shard i moves master i to new node 2i, with new node 2i+1 as its replica. */
    public Path writeSpec(String name) {
        StringBuilder yaml = new StringBuilder("name: " + name + "\ncluster:\n  seeds: [" + bed.seeds().stream()
                .map(h -> "\"" + h + "\"").collect(Collectors.joining(", ")) + "]\n  moves:\n");
        for (int i = 0; i < setup.shards(); i++) {
            yaml.append("    - { from: \"").append(oldMaster(i).hostAndPort()).append("\", to: \"")
                    .append(newMaster(i).hostAndPort()).append("\", replicas: [\"").append(newReplica(i).hostAndPort())
                    .append("\"] }\n");
        }
        yaml.append("  parallel: ").append(setup.parallel()).append("\n  old-nodes: forget\n  max-pause: ")
                .append(setup.maxPause().toMillis()).append("ms\n");
        Path spec = workDir.resolve(name + ".yaml");
        try {
            Files.writeString(spec, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spec;
    }

    /** The runner ferry run would use, for the spec the demo wrote (its plan, then its run). */
    public ClusterRunner runner(ClusterSpec spec, RunListener listener) {
        return new ClusterRunner(spec, new RunOptions(true, false, stateDir(), false), Confirmer.YES, listener,
                SecretSource.system(), Clock.systemUTC());
    }

    public Path stateDir() {
        return workDir.resolve(".ferry");
    }

    /**
     * Nodes, keys, writers, then ferry's cluster move; {@code beforeRun} sees the spec first (the demo prints its
     * plan there).
     */
    public ClusterDemoResult run(RunListener listener, Consumer<String> say, Consumer<ClusterSpec> beforeRun) {
        start(say);
        ClusterSpec spec = ClusterLoader.load(writeSpec("demo-cluster"));
        beforeRun.accept(spec);
        startWriters();
        sayWriters(say);
        ShardTimes times = new ShardTimes(writers, setup.shards());
        ClusterRunner runner = runner(spec, new ShardTimer(listener, times));
        long t0 = System.nanoTime();
        Optional<FerryException> failure = Optional.empty();
        Map<String, Object> report;
        try {
            report = runner.run().report();
        } catch (FerryException e) {
            failure = Optional.of(e);
            report = runner.status();
        }
        return finish(failure, report, times, t0, say);
    }

    /** The same nodes, keys and writers, moved by {@code move} (the benchmark's by-hand sequence) instead of ferry. */
    public ClusterDemoResult runByHand(BiConsumer<DemoCluster, ShardTimes> move, Consumer<String> say) {
        start(say);
        startWriters();
        sayWriters(say);
        ShardTimes times = new ShardTimes(writers, setup.shards());
        long t0 = System.nanoTime();
        Optional<FerryException> failure = Optional.empty();
        try {
            move.accept(this, times);
        } catch (RuntimeException e) {
            failure = Optional.of(new FerryException(dev.ferry.core.ExitCode.INTERNAL, "by hand: " + e.getMessage(), e));
        }
        return finish(failure, Map.of(), times, t0, say);
    }

    private void sayWriters(Consumer<String> say) {
        say.accept("cluster writers running: " + setup.writers() + " x " + setup.ratePerWriter() + " writes/s ("
                + Math.round(setup.evalShare() * 100) + "% EVAL)");
    }

    /** Old nodes shut down (their data is a copy as of the switch), then the writers' verdict through the cluster. */
    private ClusterDemoResult finish(Optional<FerryException> failure, Map<String, Object> report, ShardTimes times,
            long t0, Consumer<String> say) {
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        Demo.sleepQuietly(WRITE_AFTER);
        List<String> stillKnown = oldNodesStillKnown();
        if (failure.isEmpty()) {
            bed.nodes().forEach(RedisServer::stop);
            say.accept("shut the " + bed.nodes().size() + " old nodes down");
        }
        writers.stop();
        WriterStats stats = writers.stats();
        LossReport loss = writers.checkLost();
        return new ClusterDemoResult(failure, report, stats, loss, times.shardMillis(), times.gapMillis(),
                times.switchGapMillis(), took, stillKnown);
    }

    private static String role(ClusterView view, ClusterView.Node n) {
        return n.master() ? "master" : "replica of " + view.byId(n.masterId()).map(m -> m.address().toString())
                .orElse(n.masterId());
    }

    /** Old nodes that some new node's CLUSTER NODES still lists, as {@code host:port (role)}. */
    public List<String> oldNodesStillKnown() {
        Set<String> known = new LinkedHashSet<>();
        for (RedisServer s : fresh) {
            try (redis.clients.jedis.Jedis j = s.client(Duration.ofSeconds(2))) {
                ClusterView view = ClusterView.parse(j.clusterNodes(), s.hostAndPort());
                for (RedisServer old : bed.nodes()) {
                    view.byId(bed.nodeId(old)).ifPresent(n -> known.add(old.hostAndPort() + " (" + role(view, n) + ")"));
                }
            } catch (RuntimeException e) {
                known.add("? (" + s.hostAndPort() + " unreachable: " + e.getMessage() + ")");
            }
        }
        return List.copyOf(known);
    }

    public Setup setup() {
        return setup;
    }

    public ClusterBed bed() {
        return bed;
    }

    public RedisServer oldMaster(int shard) {
        return bed.masters().get(shard);
    }

    public List<RedisServer> oldReplicas(int shard) {
        return bed.replicasOf(oldMaster(shard));
    }

    public RedisServer newMaster(int shard) {
        return fresh.get(2 * shard);
    }

    public RedisServer newReplica(int shard) {
        return fresh.get(2 * shard + 1);
    }

    public Writers writers() {
        return writers;
    }

    /** Every server process the demo started and has not stopped (none once closed). */
    public List<RedisServer> processes() {
        return bed == null ? List.of() : new ArrayList<>(bed.processes());
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
        if (bed != null) {
            bed.close();
        }
        Files2.deleteRecursively(workDir);
    }
}
