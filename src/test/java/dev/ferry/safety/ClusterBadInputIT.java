package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExitCode;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.ClusterBed;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Bad cluster moves on a real 3x1 cluster (7.0.15): each refused by {@code ferry run SPEC --yes} with the exit code
 * of its class and one line naming the problem and the fix, and nothing changed on any server (every node's
 * CLUSTER NODES, role, DBSIZE and every config ferry may set, before and after; the new nodes still alone).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterBadInputIT {
    /** Configs a cluster move sets on some node (fence, barrier, no-failover, follow-back guards, auth). */
    private static final List<String> CONFIGS = List.of("cluster-migration-barrier", "cluster-replica-no-failover",
            "cluster-allow-replica-migration", "min-replicas-to-write", "min-replicas-max-lag", "maxclients",
            "repl-ping-replica-period", "repl-diskless-load", "repl-diskless-sync-delay", "masterauth",
            "cluster-require-full-coverage");

    @TempDir
    static Path dir;

    private ClusterBed bed;
    private ClusterBed other;
    private RedisServer standalone;
    /** Empty cluster nodes in no cluster: the new masters of the good spec, then spares. */
    private List<RedisServer> fresh;
    private RedisServer holdsKeys;

    /** One bad input: the spec (from the good one), what ferry must answer, and a change made for the case only. */
    record Case(String name, ExitCode code, String problem, String fix, String yaml, Prepare prepare) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Prepare {
        AutoCloseable apply() throws Exception;
    }

    @BeforeAll
    void startServers() {
        RedisBinary apt = Binaries.require(Binaries.APT);
        bed = ClusterBed.start(apt, 3, 1);
        fresh = bed.emptyNodes(4);
        holdsKeys = bed.emptyNodes(1).get(0);
        putKeyInto(holdsKeys);
        other = ClusterBed.start(apt, 1, 1);
        standalone = RedisServer.start(apt);
    }

    @AfterAll
    void stopServers() {
        for (AutoCloseable c : new AutoCloseable[] {standalone, other, bed}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("[cluster-bad-input] close: " + e);
            }
        }
    }

    /**
     * A key in a cluster node that serves no slot and knows no node: it takes one slot alone (full coverage off so
     * it accepts the write), writes, and gives the slot back; the key stays.
     */
    private static void putKeyInto(RedisServer node) {
        int slot = JedisClusterCRC16.getSlot("left-over");
        try (Jedis j = node.client()) {
            j.configSet("cluster-require-full-coverage", "no");
            j.clusterAddSlots(slot);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try {
                    j.set("left-over", "someone's data");
                    break;
                } catch (JedisDataException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleep(50); // the node takes its own slot at the next cluster cron
                }
            }
            j.clusterDelSlots(slot);
            j.configSet("cluster-require-full-coverage", "yes");
            assertThat(j.dbSize()).isEqualTo(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String at(RedisServer s) {
        return "\"" + s.host() + ":" + s.port() + "\"";
    }

    /** The spec with {@code seeds} and one move per entry of {@code moves} ("from to [replica]"). */
    private static String spec(List<RedisServer> seeds, List<List<RedisServer>> moves) {
        StringBuilder sb = new StringBuilder("name: sessions\ncluster:\n  seeds: [")
                .append(seeds.stream().map(ClusterBadInputIT::at).collect(Collectors.joining(", "))).append("]\n")
                .append("  moves:\n");
        for (List<RedisServer> m : moves) {
            sb.append("    - { from: ").append(at(m.get(0))).append(", to: ").append(at(m.get(1)));
            if (m.size() > 2) {
                sb.append(", replicas: [").append(m.subList(2, m.size()).stream().map(ClusterBadInputIT::at)
                        .collect(Collectors.joining(", "))).append("]");
            }
            sb.append(" }\n");
        }
        return sb.append("  settle-timeout: 20s\n").toString();
    }

    /** Every master to fresh[i], with {@code change} applied to the move list first. */
    private String good(Consumer<List<List<RedisServer>>> change) {
        List<List<RedisServer>> moves = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            moves.add(new ArrayList<>(List.of(bed.masters().get(i), fresh.get(i))));
        }
        change.accept(moves);
        return spec(List.of(bed.masters().get(0)), moves);
    }

    Stream<Case> cases() {
        RedisServer master0 = bed.masters().get(0);
        RedisServer replica0 = bed.replicasOf(master0).get(0);
        return Stream.of(
                new Case("a move that names a replica", ExitCode.PREFLIGHT, at(replica0).replace("\"", "")
                        + " is a replica", "name the master", good(m -> m.get(0).set(0, replica0)), null),
                new Case("a master left out of the moves", ExitCode.PREFLIGHT, "masters left out of cluster.moves: "
                        + at(bed.masters().get(2)).replace("\"", ""), "add a move for each", good(m -> m.remove(2)), null),
                new Case("a new node that holds keys", ExitCode.PREFLIGHT, "holds 1 key", "use an empty node",
                        good(m -> m.get(1).set(1, holdsKeys)), null),
                new Case("a new node in another cluster", ExitCode.PREFLIGHT, "belongs to another cluster",
                        "use a fresh node", good(m -> m.get(2).set(1, other.replicas().get(0))), null),
                new Case("a new replica in another cluster", ExitCode.PREFLIGHT, "belongs to another cluster",
                        "CLUSTER RESET HARD", good(m -> m.get(0).add(other.masters().get(0))), null),
                new Case("an open slot migration", ExitCode.PREFLIGHT, "slot migration in progress",
                        "CLUSTER SETSLOT <slot> STABLE", good(m -> { }), this::openMigration),
                new Case("a standalone server as the seed", ExitCode.PREFLIGHT, "runs without cluster mode",
                        "name nodes of the running cluster in cluster.seeds",
                        good(m -> { }).replace(at(master0) + "]", at(standalone) + "]"), null),
                new Case("a standalone server as a new node", ExitCode.PREFLIGHT, "runs without cluster mode",
                        "cluster-enabled yes", good(m -> m.get(1).set(1, standalone)), null),
                new Case("a cluster node in a standalone spec", ExitCode.PREFLIGHT, "runs in cluster mode",
                        "write a cluster spec (cluster: { seeds, moves }", "name: sessions\nsource: { host: "
                        + master0.host() + ", port: " + master0.port() + " }\ntarget: { host: " + standalone.host()
                        + ", port: " + standalone.port() + " }\n", null),
                new Case("a node named twice", ExitCode.BAD_SPEC, "is named twice in cluster.moves",
                        "name each node once", good(m -> m.get(1).set(1, fresh.get(0))), null));
    }

    /** Slot 0 migrating from its owner toward another master, as a resharding left half-done would show it. */
    private AutoCloseable openMigration() {
        RedisServer owner = bed.server(bed.ownerOf(0));
        RedisServer toward = bed.masters().stream().filter(m -> m != owner).findFirst().orElseThrow();
        try (Jedis j = owner.client()) {
            j.clusterSetSlotMigrating(0, bed.nodeId(toward));
        }
        return () -> {
            try (Jedis j = owner.client()) {
                j.clusterSetSlotStable(0);
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineAndNothingChanged(Case c) throws Exception {
        assertRefused(c, List.of());
    }

    /**
     * A 6.2.16 cluster (1x1) moved to 7.0.15 with old-nodes: keep (6.2 cannot load 7.0's RDB 10, so a kept old
     * node's next full resync would empty it), and to 7.2.6 (whose ping extensions 6.2 drops, #12685).
     */
    @ParameterizedTest(name = "6.2.16 cluster: {0}")
    @CsvSource(delimiter = ';', value = {
        "old-nodes keep toward 7.0.15; apt; keep; old nodes follow: old-nodes: keep, but; use old-nodes: forget",
        "a 7.2.6 new node; 7.2.6; forget; cluster bus:; run the new nodes on Valkey 8.0+ or Redis 8.0+"})
    void versionMixesRefused(String name, String newVersion, String oldNodes, String problem, String fix)
            throws Exception {
        RedisBinary v62 = Binaries.require("6.2.16");
        RedisBinary target = Binaries.require(newVersion);
        try (ClusterBed old = ClusterBed.start(v62, 1, 1)) {
            RedisServer to = old.emptyNodes(target, 1).get(0);
            String yaml = spec(List.of(old.masters().get(0)), List.of(List.of(old.masters().get(0), to)))
                    + "  old-nodes: " + oldNodes + "\n";
            assertRefused(new Case(name, ExitCode.PREFLIGHT, problem, fix, yaml, null), List.of(old));
        }
    }

    /** The shard's first new replica is checked as its c; a second one that cannot load its master's RDB too. */
    @Test
    void aSecondNewReplicaThatCannotLoadItsMastersRdbIsRefused() throws Exception {
        RedisBinary v72 = Binaries.require("7.2.6");
        List<RedisServer> newer = bed.emptyNodes(v72, 2);
        String yaml = good(m -> {
            m.get(0).set(1, newer.get(0));
            m.get(0).addAll(List.of(newer.get(1), fresh.get(3)));
        });
        assertRefused(new Case("a second new replica on 7.0.15 under a 7.2.6 master", ExitCode.PREFLIGHT,
                "new replica " + fresh.get(3).host() + ":" + fresh.get(3).port() + " (7.0.15, RDB 10) cannot load the"
                        + " RDB 11", "run the shard's new replicas on the new master's version or newer", yaml, null),
                List.of());
    }

    /** Warnings and what ferry will change are said by ferry preflight, which changes nothing either. */
    @Test
    void preflightWarnsOfSplitAnnounceAddressesAndSaysWhatItChanges() throws Exception {
        RedisServer master0 = bed.masters().get(0);
        Path specFile = Files.writeString(Files.createTempDirectory(dir, "preflight").resolve("sessions.yaml"),
                good(m -> { }));
        Map<String, String> before = snapshot();
        Cli.Result result;
        try (Jedis j = master0.client()) {
            j.configSet("cluster-announce-ip", master0.host());
            try {
                result = Cli.run("preflight", specFile.toString());
            } finally {
                j.configSet("cluster-announce-ip", "");
            }
            // cleared, 7.0 shows its own address as ":port" until the next packet from a peer teaches it again
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!j.clusterNodes().contains(master0.host() + ":" + master0.port() + "@") && System.nanoTime() < deadline) {
                sleep(50);
            }
        }
        System.out.println("[cluster-bad-input] preflight:\n" + result.out());
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString())
                .contains("cluster-announce-ip is set on {" + master0.host() + ":" + master0.port())
                .contains("cluster-migration-barrier 2147483647")
                .contains("old-nodes: forget")
                .contains("can share its bus: 7.0.15");
        assertThat(snapshot()).isEqualTo(before);
    }

    private void assertRefused(Case c, List<ClusterBed> more) throws Exception {
        Path caseDir = Files.createTempDirectory(dir, "case");
        Path specFile = caseDir.resolve("sessions.yaml");
        Files.writeString(specFile, c.yaml);
        Cli.Result result;
        Map<String, String> before;
        Map<String, String> after;
        try (AutoCloseable undo = c.prepare == null ? () -> { } : c.prepare.apply()) {
            before = snapshot(more);
            result = Cli.run("run", specFile.toString(), "--yes", "--state-dir", caseDir.resolve("state").toString());
            after = snapshot(more);
        }
        System.out.println("[cluster-bad-input] " + c.name + " -> exit " + result.code() + ": " + result.errLine());
        assertThat(result.code()).as(result.toString()).isEqualTo(c.code.value());
        assertThat(result.errLine()).as(result.toString())
                .startsWith("ferry: ")
                .doesNotContain("\n")
                .contains(c.problem)
                .contains(c.fix);
        assertThat(after).as("servers after " + c.name).isEqualTo(before);
        for (RedisServer n : fresh) {
            assertThat(after.get(n.port() + ".nodes")).as("new node %s still alone", n).doesNotContain("\n");
        }
    }

    private Map<String, String> snapshot() {
        return snapshot(List.of());
    }

    /** Everything ferry could change, per server of both clusters, the standalone one and {@code more}. */
    private Map<String, String> snapshot(List<ClusterBed> more) {
        Map<String, String> all = new LinkedHashMap<>();
        List<RedisServer> servers = new ArrayList<>(bed.processes());
        servers.addAll(other.processes());
        servers.add(standalone);
        more.forEach(b -> servers.addAll(b.processes()));
        for (RedisServer s : servers) {
            try (Jedis j = s.client()) {
                all.put(s.port() + ".nodes", clusterNodes(j));
                all.put(s.port() + ".dbsize", String.valueOf(j.dbSize()));
                all.put(s.port() + ".role", roleLine(j.info("replication")));
                for (String key : CONFIGS) {
                    all.put(s.port() + "." + key, String.valueOf(j.configGet(key)));
                }
            }
        }
        return all;
    }

    /** CLUSTER NODES without the ping/pong times (they move on their own), sorted; "standalone" off cluster mode. */
    private static String clusterNodes(Jedis j) {
        try {
            return j.clusterNodes().lines().map(line -> {
                String[] f = line.split(" ");
                f[4] = "";
                f[5] = "";
                return String.join(" ", f);
            }).sorted().collect(Collectors.joining("\n"));
        } catch (JedisDataException e) {
            return "standalone";
        }
    }

    private static String roleLine(String info) {
        return info.lines().filter(l -> l.startsWith("role:") || l.startsWith("master_host:")
                || l.startsWith("master_port:")).collect(Collectors.joining(","));
    }

    /** A check that cannot fail is a defect: the snapshot sees a change ferry could make. */
    @ParameterizedTest(name = "snapshot sees {0}")
    @MethodSource("changes")
    void snapshotSeesAChange(String what, Consumer<Jedis> change, Consumer<Jedis> undo) throws IOException {
        RedisServer node = fresh.get(3);
        Map<String, String> before = snapshot();
        try (Jedis j = node.client()) {
            change.accept(j);
            try {
                assertThat(snapshot()).isNotEqualTo(before);
            } finally {
                undo.accept(j);
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("a config",
                        (Consumer<Jedis>) j -> j.configSet("cluster-migration-barrier", "99"),
                        (Consumer<Jedis>) j -> j.configSet("cluster-migration-barrier", "1")),
                Arguments.of("a slot",
                        (Consumer<Jedis>) j -> j.clusterAddSlots(1),
                        (Consumer<Jedis>) j -> j.clusterDelSlots(1)));
    }
}
