package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Cluster-aware writers on a real 3x1 cluster: a by-hand manual failover of one shard loses no acknowledged
 * write, and the writers go on after their only seed node (the demoted master) is shut down and forgotten.
 */
class ClusterWritersIT {

    private static final Duration AGREE = Duration.ofSeconds(20);
    private static final Duration AWAIT = Duration.ofSeconds(20);
    private static final int BATCH = 2000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Binaries.APT, "3.0.4", "valkey-8.0.1"})
    void manualFailoverLosesNoAckAndWritersOutliveTheirSeed(String version) {
        RedisBinary bin = Binaries.require(version);
        try (ClusterBed bed = ClusterBed.start(bin, 3, 1)) {
            RedisServer oldMaster = bed.masters().get(0);
            RedisServer replica = bed.replicasOf(oldMaster).get(0);
            String oldId = bed.nodeId(oldMaster);
            String newId = bed.nodeId(replica);
            // The only seed is the master about to be demoted, shut down and forgotten.
            Writers writers = Writers.cluster(config(), List.of(oldMaster.hostAndPort()));
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(BATCH, AWAIT);
                // MFSTART is honoured only from a node the master knows as its replica: wait until all know it.
                bed.awaitAgreement(AGREE, v -> v.isReplicaOf(newId, oldId));

                writers.resetLongestGap();
                long t0 = System.nanoTime();
                say(version, "CLUSTER FAILOVER sent at %s", java.time.Instant.now());
                try (Jedis j = replica.client()) {
                    assertThat(j.clusterFailover()).isEqualTo("OK");
                }
                ClusterView after = bed.awaitAgreement(AGREE, v -> v.isMaster(newId) && v.isReplicaOf(oldId, newId));
                long agreedMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(after.ownerOf(0).orElseThrow().id()).isEqualTo(newId);
                writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
                WriterStats failover = writers.stats();
                assertThat(failover.longestGap()).as(failover.summary()).isLessThan(Duration.ofSeconds(5));
                say(version, "failover agreed by all nodes in %d ms; longest gap in it %d ms (per writer %s); %s", agreedMs, failover.longestGap().toMillis(),
                        writers.longestGapPerWriter().stream().map(Duration::toMillis).toList(), failover.summary());

                writers.resetLongestGap();
                oldMaster.stop();
                forgetEverywhere(bed, oldMaster, oldId);
                bed.awaitAgreement(AGREE, v -> v.byId(oldId).isEmpty());
                writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
            }
            WriterStats stats = writers.stats();
            say(version, "longest gap while the seed was shut down and forgotten %d ms (per writer %s); %s",
                    stats.longestGap().toMillis(),
                    writers.longestGapPerWriter().stream().map(Duration::toMillis).toList(), stats.summary());
            LossReport report = writers.checkLost();
            say(version, "%s", report);
            assertThat(report.checked()).isEqualTo(stats.acknowledged());
            assertThat(report.isClean()).as(report + " " + stats.summary()).isTrue();
            assertThat(stats.longestGap()).as(stats.summary()).isLessThan(Duration.ofSeconds(5));
            assertEveryMasterRanScripts(bed, oldMaster);

            String victim = stats.acknowledgedKeys().get(0);
            try (Jedis j = bed.server(bed.ownerOf(JedisClusterCRC16.getSlot(victim))).client()) {
                assertThat(j.del(victim)).isEqualTo(1);
            }
            assertThat(writers.checkLost().missing()).as("the check must see a deleted key").isEqualTo(1);
        }
    }

    private static void say(String version, String format, Object... args) {
        System.out.println("ClusterWritersIT " + version + ": " + String.format(format, args));
    }

    private static void forgetEverywhere(ClusterBed bed, RedisServer gone, String goneId) {
        for (RedisServer s : bed.nodes()) {
            if (s != gone) {
                try (Jedis j = s.client()) {
                    j.clusterForget(goneId);
                }
            }
        }
    }

    /** A third of the writes were EVALs routed by their key: every live master ran some. */
    private static void assertEveryMasterRanScripts(ClusterBed bed, RedisServer stopped) {
        for (ClusterView.Node m : bed.awaitAgreement(AGREE).masters()) {
            try (Jedis j = bed.server(m).client()) {
                assertThat(InfoParser.field(j.info("commandstats"), "cmdstat_eval")).as(m.address().toString())
                        .isPresent();
            }
        }
        assertThat(stopped.isAlive()).isFalse();
    }

    private static Writers.Config config() {
        return Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(1.0 / 3)
                .socketTimeout(Duration.ofSeconds(5)).maxDuration(Duration.ofSeconds(45)).keyPrefix("cw").build();
    }
}
