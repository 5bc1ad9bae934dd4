package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Cluster-aware writers on a real 3x1 cluster: a by-hand manual failover of one shard loses no acknowledged
 * write, the writers go on after their only seed node (the demoted master) is shut down and forgotten, and
 * a shard moved by hand to a node that joined later (MEET, REPLICATE, FAILOVER, FORGET) loses none either.
 */
class ClusterWritersIT {

    private static final Duration AGREE = Duration.ofSeconds(20);
    private static final Duration AWAIT = Duration.ofSeconds(20);
    private static final Duration MAX_GAP = Duration.ofSeconds(5);
    private static final int BATCH = 2000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Binaries.APT, "3.0.4", "valkey-8.0.1"})
    void manualFailoverLosesNoAckAndWritersOutliveTheirSeed(String version) {
        RedisBinary bin = Binaries.require(version);
        try (ClusterBed bed = ClusterBed.start(bin, 3, 1)) {
            RedisServer oldMaster = bed.masters().get(0);
            RedisServer replica = bed.replicasOf(oldMaster).get(0);
            // The only seed is the master about to be demoted, shut down and forgotten.
            Writers writers = Writers.cluster(config(), List.of(oldMaster.hostAndPort()));
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(BATCH, AWAIT);
                failOver(version, bed, writers, oldMaster, replica);
                writers.resetLongestGap();
                retire(bed, oldMaster);
                writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
                report(version, "longest gap while the seed was shut down and forgotten", writers);
            }
            assertNoLoss(version, bed, writers);
            assertThat(writers.stats().longestGap()).as(writers.stats().summary()).isLessThan(MAX_GAP);
            assertEveryMasterRanScripts(bed);
        }
    }

    @Test
    void shardMovedByHandToANodeThatJoinedLaterLosesNoAck() {
        String version = Binaries.APT;
        try (ClusterBed bed = ClusterBed.start(Binaries.require(version), 3, 1)) {
            RedisServer oldMaster = bed.masters().get(0);
            String oldReplicaId = bed.nodeId(bed.replicasOf(oldMaster).get(0));
            RedisServer fresh = bed.emptyNodes(1).get(0);
            String oldId = bed.nodeId(oldMaster);
            String newId = bed.nodeId(fresh);
            Writers writers = Writers.cluster(config(), bed.seeds());
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(BATCH, AWAIT);
                run(oldMaster, j -> j.clusterMeet(fresh.host(), fresh.port()));
                bed.awaitAgreement(AGREE, v -> v.byId(newId).isPresent());
                run(fresh, j -> j.clusterReplicate(oldId));
                ClusterBed.awaitLinksUp(List.of(fresh), AGREE);
                failOver(version + " move", bed, writers, oldMaster, fresh);
                // The old master's replica follows its master's slots to the new owner.
                bed.awaitAgreement(AGREE, v -> v.isReplicaOf(oldReplicaId, newId));
                retire(bed, oldMaster);
                writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
            }
            assertNoLoss(version + " move", bed, writers);
            assertThat(bed.ownerOf(0).id()).isEqualTo(newId);
        }
    }

    /**
     * CLUSTER FAILOVER on {@code replica} once every node knows it as the master's replica (MFSTART is
     * honoured only from a known replica), until every node agrees it owns the slots; prints the gap.
     */
    private static void failOver(String label, ClusterBed bed, Writers writers, RedisServer master,
                                 RedisServer replica) {
        String oldId = bed.nodeId(master);
        String newId = bed.nodeId(replica);
        bed.awaitAgreement(AGREE, v -> v.isReplicaOf(newId, oldId));
        writers.resetLongestGap();
        long t0 = System.nanoTime();
        say(label, "CLUSTER FAILOVER sent at %s", Instant.now());
        run(replica, j -> assertThat(j.clusterFailover()).isEqualTo("OK"));
        ClusterView after = bed.awaitAgreement(AGREE, v -> v.isMaster(newId) && v.isReplicaOf(oldId, newId));
        long agreedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(after.replicasOf(oldId)).isEmpty();
        writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
        say(label, "failover agreed by all nodes in %d ms", agreedMs);
        WriterStats stats = report(label, "longest gap in the failover", writers);
        assertThat(stats.longestGap()).as(stats.summary()).isLessThan(MAX_GAP);
    }

    /** Shuts {@code gone} down and has every other node forget it, then waits until none lists it. */
    private static void retire(ClusterBed bed, RedisServer gone) {
        String goneId = bed.nodeId(gone);
        gone.stop();
        bed.processes().stream().filter(s -> s != gone && s.isAlive()).forEach(s -> run(s, j -> {
            if (ClusterView.parse(j.clusterNodes()).nodes().size() > 1) {
                j.clusterForget(goneId);
            }
        }));
        bed.awaitAgreement(AGREE, v -> v.byId(goneId).isEmpty());
    }

    private static void assertNoLoss(String label, ClusterBed bed, Writers writers) {
        WriterStats stats = writers.stats();
        LossReport report = writers.checkLost();
        say(label, "%s; %s", report, stats.summary());
        assertThat(report.checked()).isEqualTo(stats.acknowledged()).isGreaterThanOrEqualTo(3 * BATCH);
        assertThat(report.isClean()).as(report + " " + stats.summary()).isTrue();

        String victim = stats.acknowledgedKeys().get(0);
        run(bed.server(bed.ownerOf(JedisClusterCRC16.getSlot(victim))), j -> assertThat(j.del(victim)).isEqualTo(1));
        assertThat(writers.checkLost().missing()).as("the check must see a deleted key").isEqualTo(1);
    }

    private static WriterStats report(String label, String what, Writers writers) {
        WriterStats stats = writers.stats();
        say(label, "%s %d ms (per writer %s); %s", what, stats.longestGap().toMillis(),
                writers.longestGapPerWriter().stream().map(Duration::toMillis).toList(), stats.summary());
        return stats;
    }

    /** A third of the writes were EVALs routed by their key: every master ran some. */
    private static void assertEveryMasterRanScripts(ClusterBed bed) {
        for (ClusterView.Node m : bed.awaitAgreement(AGREE).masters()) {
            run(bed.server(m), j -> assertThat(InfoParser.field(j.info("commandstats"), "cmdstat_eval"))
                    .as(m.address().toString()).isPresent());
        }
    }

    private static void run(RedisServer server, Consumer<Jedis> command) {
        try (Jedis j = server.client()) {
            command.accept(j);
        }
    }

    private static void say(String label, String format, Object... args) {
        System.out.println("ClusterWritersIT " + label + ": " + String.format(format, args));
    }

    private static Writers.Config config() {
        return Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(1.0 / 3)
                .socketTimeout(Duration.ofSeconds(5)).maxDuration(Duration.ofSeconds(45)).keyPrefix("cw").build();
    }
}
