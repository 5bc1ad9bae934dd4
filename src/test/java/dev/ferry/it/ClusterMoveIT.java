package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.ClusterBed;
import dev.ferry.testkit.ClusterView;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.WriterStats;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Whole-cluster moves through the real CLI ({@code ferry run SPEC --yes}) on real loopback clusters: 3 masters with
 * 1 replica each (node timeout 2000 ms) moved to 3 new masters with 3 new replicas while cluster-aware writers
 * (4 x 500/s, a third of the writes by EVAL) run throughout. Judged by the writers, not by ferry: every slot served
 * by a new master, the old nodes forgotten everywhere (or kept as the new masters' replicas), the new replicas
 * following the new masters, and 0 acknowledged writes lost.
 *
 * <p>Older nodes that do not work: 3.0.4 speaks cluster bus protocol 0 and 4.0+ speak protocol 1
 * (docs/cluster-internals.md §7): a 3.0 node and a 4.0+ node drop each other's packets, so a new node never joins a
 * 3.0 cluster and no 3.0 -> 7.0 pair can run (a 3.0 -> 3.0 move is not one the issue asks for). 4.0.14 -> 7.0.15
 * switches with nothing lost but its forgotten old nodes come back ({@link #redis40To70}). 7.2.6 cannot join a
 * cluster with 6.2-or-older nodes (§7), so 6.2 -> 7.2 is not a pair either.
 */
class ClusterMoveIT {
    private static final Duration AGREE = Duration.ofSeconds(30);
    private static final Duration AWAIT = Duration.ofSeconds(20);
    /** Acknowledged writes before ferry starts: the writers are warm and their start-up gap is behind them. */
    private static final int WARM = 1_000;
    private static final String NAME = "moveit";
    /** CLUSTER FORGET's blacklist on 7.0 and older (60 s), plus a margin for gossip to have brought a node back. */
    private static final Duration BLACKLIST = Duration.ofSeconds(65);
    /** When this test's {@code ferry run} returned. */
    private long runEnded;

    @TempDir
    Path dir;

    @Test
    void redis70To70ForgetLosesNothingAndReports() throws IOException {
        Move move = move(Binaries.APT, Binaries.APT, "forget", this::assertForgottenStayForgotten);
        assertStatusAndReport(move.report());
    }

    @Test
    void redis70To70Keep() {
        move(Binaries.APT, Binaries.APT, "keep");
    }

    /**
     * Every node with {@code requirepass} and {@code masterauth}: ferry logs in from a password file (auth: as for a
     * standalone spec), the new nodes replicate with the cluster's masterauth, and the password is in nothing ferry
     * wrote.
     */
    @Test
    void redis70To70WithAPasswordLosesNothingAndLeaksNothing() throws IOException {
        String password = "cl-Vb93-secret";
        Path passwordFile = Files.writeString(dir.resolve("redis.pw"), password + "\n");
        Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ClusterBed.Options options = ClusterBed.Options.defaults()
                .withExtraConfig(Map.of("requirepass", password, "masterauth", password));
        Writers.Config writers = writerConfigBuilder().password(password).build();
        Move move = move(Binaries.APT, Binaries.APT, "forget", (bed, fresh) -> { }, options,
                "auth: { password-file: " + passwordFile + " }\n", writers);
        try (java.util.stream.Stream<Path> written = Files.walk(stateDir())) {
            for (Path p : written.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(p)).as(p.toString()).doesNotContain(password);
            }
        }
        assertThat(Files.readString(move.report())).doesNotContain(password);
    }

    @Test
    void redis70ToValkey801() {
        move(Binaries.APT, "valkey-8.0.1", "forget");
    }

    @Test
    void redis62To70() {
        move("6.2.16", Binaries.APT, "forget");
    }

    @Test
    void redis50To70() {
        move("5.0.14", Binaries.APT, "forget");
    }

    /**
     * The oldest bus-compatible generation (tagged matrix: 5.0 covers the closed-door fence in the default run).
     * Measured twice: exit 0, 0 of 37,117 (35,492) acknowledged writes lost, longest gap 114 (250) ms; but each time
     * the forgotten 4.0 nodes came back into the CLUSTER NODES of the new nodes that joined after they were
     * forgotten (shard 3's new nodes listed shard 1's and 2's old nodes 30 s after the run, which had checked them
     * gone), so forget does not hold for 4.0 old nodes while they run: shut them down. Disabled until RetireOldNodes
     * handles that.
     */
    @Tag("matrix")
    @Disabled("4.0.14 old nodes rejoin the views of later-joined new nodes after forget (see above)")
    @Test
    void redis40To70() {
        move("4.0.14", Binaries.APT, "forget");
    }

    /**
     * A move with {@code old-nodes: keep}, then {@code ferry rollback}, both under the same writers: every shard goes
     * back by the same fenced failover, the old masters serve every slot again with their old replicas behind them,
     * the new nodes are out of every old node's view, and no acknowledged write is lost on the way there or back.
     */
    @Test
    void redis70To70KeepThenRollBackLosesNothing() {
        RedisBinary bin = Binaries.require(Binaries.APT);
        try (ClusterBed bed = ClusterBed.start(bin, 3, 1)) {
            List<RedisServer> fresh = bed.emptyNodes(6);
            Path spec = writeSpec(bed, fresh, "keep");
            Writers writers = Writers.cluster(writerConfig(), bed.seeds());
            Cli.Result run;
            Cli.Result rollback;
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(WARM, AWAIT);
                writers.resetLongestGap();
                run = Cli.run("run", spec.toString(), "--yes", "--state-dir", stateDir().toString());
                assertThat(run.code()).as(run.toString()).isZero();
                assertMoved(bed, fresh, "keep");
                writers.awaitAcknowledged(writers.acknowledged() + WARM, AWAIT);
                rollback = Cli.run("rollback", spec.toString(), "--yes", "--state-dir", stateDir().toString());
                writers.awaitAcknowledged(writers.acknowledged() + WARM, AWAIT);
            }
            WriterStats stats = writers.stats();
            LossReport lost = writers.checkLost();
            System.out.printf("ClusterMoveIT keep + rollback: exit %d, longest writer gap %d ms, %s, %s%n",
                    rollback.code(), stats.longestGap().toMillis(), lost, stats.summary());
            assertThat(rollback.code()).as(rollback.toString()).isZero();
            assertThat(lost.checked()).as(stats.summary()).isEqualTo(stats.acknowledged()).isGreaterThan(3L * WARM);
            assertThat(lost.isClean()).as(lost + "; " + stats.summary()).isTrue();
            assertThat(stats.longestGap()).as(stats.summary()).isLessThan(writerConfig().socketTimeout());
            assertMovedBack(bed, fresh);
        }
    }

    /** Every slot on its old master again, each old replica behind its old master, the new nodes in no old view. */
    private static void assertMovedBack(ClusterBed bed, List<RedisServer> fresh) {
        Set<String> oldMasters = bed.masters().stream().map(bed::nodeId).collect(Collectors.toSet());
        Map<String, String> masterOfReplica = new LinkedHashMap<>();
        bed.masters().forEach(m -> bed.replicasOf(m).forEach(r -> masterOfReplica.put(bed.nodeId(r), bed.nodeId(m))));
        Set<String> newIds = fresh.stream().map(bed::nodeId).collect(Collectors.toSet());
        awaitAgreement(bed.nodes(), v -> servedOnlyBy(v, oldMasters)
                && masterOfReplica.entrySet().stream().allMatch(e -> v.isReplicaOf(e.getKey(), e.getValue()))
                && newIds.stream().allMatch(id -> v.byId(id).isEmpty()));
        ClusterBed.awaitLinksUp(bed.replicas(), AGREE);
        assertNoNodeLists(bed.nodes(), newIds);
    }

    @Test
    void planShowsEveryShardAndChangesNothing() {
        try (ClusterBed bed = ClusterBed.start(Binaries.require(Binaries.APT), 3, 1)) {
            List<RedisServer> fresh = bed.emptyNodes(6);
            Path spec = writeSpec(bed, fresh, "forget");
            Map<RedisServer, ClusterView> before = views(bed.processes());
            Cli.Result plan = Cli.run("plan", spec.toString(), "--state-dir", stateDir().toString());
            assertThat(plan.code()).as(plan.toString()).isZero();
            for (int shard = 1; shard <= 3; shard++) {
                for (String step : List.of("join", "replicate", "sync", "settle", "cutover", "attach replicas",
                        "forget old nodes")) {
                    assertThat(plan.out()).as(plan.toString()).contains("shard " + shard + ": " + step);
                }
            }
            assertThat(plan.out()).contains("CLUSTER MEET", "CLUSTER REPLICATE", "CLUSTER FAILOVER", "CLUSTER FORGET",
                    "CLIENT PAUSE", "min-replicas-to-write");
            fresh.forEach(n -> assertThat(plan.out()).contains(n.hostAndPort().toString()));
            assertThat(views(bed.processes())).as("every node's CLUSTER NODES after plan").isEqualTo(before);
            for (RedisServer n : fresh) {
                assertThat(before.get(n).nodes()).as(n + " alone before plan").hasSize(1);
                assertThat(call(n, Jedis::dbSize)).as(n + " still empty").isZero();
            }
        }
    }

    /** One version pair: the whole move, the writers' verdict, and the per-pair line the report quotes. */
    private Move move(String from, String to, String oldNodes) {
        return move(from, to, oldNodes, (bed, fresh) -> { });
    }

    /** As above; {@code more} checks more on the live nodes once the move is judged. */
    private Move move(String from, String to, String oldNodes, BiConsumer<ClusterBed, List<RedisServer>> more) {
        return move(from, to, oldNodes, more, ClusterBed.Options.defaults(), "", writerConfig());
    }

    /**
     * As above, every node started with {@code bedOptions}' extra config, {@code specExtra} added to the spec's top
     * level, the writers configured by {@code writerConfig}.
     */
    private Move move(String from, String to, String oldNodes, BiConsumer<ClusterBed, List<RedisServer>> more,
            ClusterBed.Options bedOptions, String specExtra, Writers.Config writerConfig) {
        RedisBinary fromBin = Binaries.require(from);
        RedisBinary toBin = Binaries.require(to);
        long t0 = System.nanoTime();
        try (ClusterBed bed = ClusterBed.start(fromBin, 3, 1, bedOptions)) {
            List<RedisServer> fresh = bed.emptyNodes(toBin, 6);
            Path spec = writeSpec(bed, fresh, oldNodes, specExtra);
            Path report = dir.resolve("report.json");
            Writers writers = Writers.cluster(writerConfig, bed.seeds());
            Cli.Result run;
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(WARM, AWAIT);
                writers.resetLongestGap();
                run = Cli.run("run", spec.toString(), "--yes", "--state-dir", stateDir().toString(), "--report",
                        report.toString());
                runEnded = System.nanoTime();
                writers.awaitAcknowledged(writers.acknowledged() + WARM, AWAIT);
            }
            WriterStats stats = writers.stats();
            LossReport lost = writers.checkLost();
            System.out.printf("ClusterMoveIT %s -> %s (%s): exit %d, longest writer gap %d ms, %s, %s, %d s%n", from, to,
                    oldNodes, run.code(), stats.longestGap().toMillis(), lost, stats.summary(),
                    (System.nanoTime() - t0) / 1_000_000_000);
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(lost.checked()).as(stats.summary()).isEqualTo(stats.acknowledged()).isGreaterThan(2L * WARM);
            assertThat(lost.isClean()).as(lost + "; " + stats.summary()).isTrue();
            // A writer held past its socket timeout would have given up: the switch must stay well inside it.
            assertThat(stats.longestGap()).as(stats.summary()).isLessThan(writerConfig().socketTimeout());
            assertMoved(bed, fresh, oldNodes);
            more.accept(bed, fresh);
            return new Move(spec, report);
        }
    }

    /** Every slot on a new master, the new replicas on theirs, the old nodes forgotten or kept. */
    private static void assertMoved(ClusterBed bed, List<RedisServer> fresh, String oldNodes) {
        Map<String, String> newMasterOfReplica = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            newMasterOfReplica.put(bed.nodeId(fresh.get(3 + i)), bed.nodeId(fresh.get(i)));
        }
        Set<String> newMasters = Set.copyOf(newMasterOfReplica.values());
        Set<String> oldIds = bed.nodes().stream().map(bed::nodeId).collect(Collectors.toSet());
        boolean keep = "keep".equals(oldNodes);
        // With forget the old nodes still run (ferry leaves their data alone) and may know one another, so
        // agreement is asked of the nodes that remain: with keep, every node; with forget, the new ones.
        List<RedisServer> remaining = "keep".equals(oldNodes) ? bed.processes() : fresh;
        awaitAgreement(remaining, v -> servedOnlyBy(v, newMasters)
                && newMasterOfReplica.entrySet().stream().allMatch(e -> v.isReplicaOf(e.getKey(), e.getValue()))
                && (keep ? oldIds.stream().allMatch(id -> oldFollowsNew(v, id, newMasters))
                : oldIds.stream().allMatch(id -> v.byId(id).isEmpty())));
        ClusterBed.awaitLinksUp(fresh.subList(3, 6), AGREE);
        if (!keep) {
            assertNoNodeLists(fresh, oldIds);
        } else {
            ClusterBed.awaitLinksUp(bed.nodes(), AGREE);
        }
    }

    /** Every node of {@code nodes} says cluster_state:ok and has the same view, which passes {@code until}. */
    private static ClusterView awaitAgreement(List<RedisServer> nodes, Predicate<ClusterView> until) {
        AtomicReference<Map<RedisServer, ClusterView>> last = new AtomicReference<>(Map.of());
        try {
            return await().atMost(AGREE).pollInterval(Duration.ofMillis(50)).until(() -> {
                Map<RedisServer, ClusterView> views = views(nodes);
                last.set(views);
                boolean ok = nodes.stream().allMatch(n -> "cluster_state:ok".equals(call(n, Jedis::clusterInfo)
                        .lines().filter(l -> l.startsWith("cluster_state:")).findFirst().orElse("").strip()));
                ClusterView first = views.get(nodes.get(0));
                return ok && views.values().stream().allMatch(first::equals) && first.nodes().size() == nodes.size()
                        && until.test(first) ? first : null;
            }, java.util.Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder("remaining nodes did not agree within " + AGREE + "; last views:");
            last.get().forEach((n, v) -> sb.append("\n ").append(n.hostAndPort()).append(':').append(v.describe()));
            throw new AssertionError(sb.toString(), e);
        }
    }

    /**
     * A forgotten node is blacklisted for 60 s on 7.0; if any node still knew it then, gossip would bring it back.
     * The old nodes still run: past the blacklist (counted from the end of the run, after the last FORGET), no new
     * node lists any of them.
     */
    private void assertForgottenStayForgotten(ClusterBed bed, List<RedisServer> fresh) {
        long waitMs = BLACKLIST.toMillis() - (System.nanoTime() - runEnded) / 1_000_000;
        if (waitMs > 0) {
            sleep(waitMs);
        }
        Set<String> oldIds = bed.nodes().stream().map(bed::nodeId).collect(Collectors.toSet());
        assertNoNodeLists(fresh, oldIds);
    }

    private static void assertNoNodeLists(List<RedisServer> nodes, Set<String> ids) {
        for (RedisServer n : nodes) {
            // Raw CLUSTER NODES, fail-flagged lines included: a forgotten node must not linger there either.
            String text = call(n, Jedis::clusterNodes);
            ids.forEach(id -> assertThat(text).as(n + " CLUSTER NODES").doesNotContain(id));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static boolean servedOnlyBy(ClusterView view, Set<String> masters) {
        BitSet served = new BitSet(ClusterView.SLOTS);
        view.masters().stream().filter(m -> masters.contains(m.id())).forEach(m -> served.or(m.slots()));
        return served.cardinality() == ClusterView.SLOTS;
    }

    private static boolean oldFollowsNew(ClusterView view, String oldId, Set<String> newMasters) {
        return view.byId(oldId).map(n -> !n.master() && newMasters.contains(n.masterId())).orElse(false);
    }

    /** {@code ferry status} shows every shard COMPLETED; --report wrote JSON and Markdown with a row per shard. */
    private void assertStatusAndReport(Path report) throws IOException {
        Cli.Result status = Cli.run("status", report.resolveSibling("cluster.yaml").toString(), "--state-dir",
                stateDir().toString());
        assertThat(status.code()).as(status.toString()).isZero();
        for (int shard = 1; shard <= 3; shard++) {
            assertThat(status.out()).as(status.toString()).containsPattern("\\| " + shard + " \\|[^\\n]*\\| COMPLETED \\|");
        }
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.get("shards")).hasSize(3);
        json.get("shards").forEach(s -> assertThat(s.get("status").asText()).as(s.toString()).isEqualTo("COMPLETED"));
        String md = Files.readString(report.resolveSibling(report.getFileName() + ".md"));
        assertThat(md.lines().filter(l -> l.matches("\\| \\d \\|.*COMPLETED.*"))).hasSize(3);
    }

    private Path writeSpec(ClusterBed bed, List<RedisServer> fresh, String oldNodes) {
        return writeSpec(bed, fresh, oldNodes, "");
    }

    private Path writeSpec(ClusterBed bed, List<RedisServer> fresh, String oldNodes, String specExtra) {
        List<String> moves = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            moves.add("    - { from: \"" + bed.masters().get(i).hostAndPort() + "\", to: \"" + fresh.get(i).hostAndPort()
                    + "\", replicas: [\"" + fresh.get(3 + i).hostAndPort() + "\"] }");
        }
        String yaml = String.join("\n",
                "name: " + NAME,
                "cluster:",
                "  seeds: [\"" + bed.masters().get(0).hostAndPort() + "\"]",
                "  moves:",
                String.join("\n", moves),
                "  parallel: 1",
                "  old-nodes: " + oldNodes,
                "  max-pause: 2s",
                "  settle-timeout: 30s",
                specExtra);
        Path file = dir.resolve("cluster.yaml");
        try {
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path stateDir() {
        return dir.resolve(".ferry");
    }

    private static Map<RedisServer, ClusterView> views(List<RedisServer> nodes) {
        Map<RedisServer, ClusterView> views = new LinkedHashMap<>();
        nodes.forEach(n -> views.put(n, ClusterView.parse(call(n, Jedis::clusterNodes), n.hostAndPort())));
        return views;
    }

    private static <T> T call(RedisServer server, Function<Jedis, T> command) {
        try (Jedis j = server.client()) {
            return command.apply(j);
        }
    }

    private static Writers.Config writerConfig() {
        return writerConfigBuilder().build();
    }

    private static Writers.Builder writerConfigBuilder() {
        return Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(1.0 / 3)
                .socketTimeout(Duration.ofSeconds(5)).maxDuration(Duration.ofSeconds(120)).keyPrefix("move");
    }

    private record Move(Path spec, Path report) {
    }
}
