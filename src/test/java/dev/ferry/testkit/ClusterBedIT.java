package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import redis.clients.jedis.Jedis;

class ClusterBedIT {

    private static final Duration AGREE = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Binaries.APT, "3.0.4", "valkey-8.0.1"})
    void threeMastersWithOneReplicaEachAgreeCoverAllSlotsAndCloseLeavesNoProcess(String version) {
        RedisBinary bin = Binaries.require(version);
        long t0 = System.nanoTime();
        List<Long> pids;
        ClusterBed.Options options = ClusterBed.Options.defaults().withNodeTimeout(Duration.ofMillis(1500))
                .withExtraConfig(Map.of("maxmemory-policy", "noeviction"));
        try (ClusterBed bed = ClusterBed.start(bin, 3, 1, options)) {
            System.out.printf("ClusterBedIT %s: 3x1 formed in %d ms%n", version, (System.nanoTime() - t0) / 1_000_000);
            List<RedisServer> empty = bed.emptyNodes(2);
            pids = bed.processes().stream().map(RedisServer::pid).toList();
            assertThat(pids).hasSize(8);

            ClusterView view = bed.awaitAgreement(AGREE);
            assertThat(view.coveredSlots()).isEqualTo(ClusterView.SLOTS);
            assertThat(view.masters()).extracting(ClusterView.Node::id)
                    .containsExactlyInAnyOrderElementsOf(bed.masters().stream().map(bed::nodeId).toList());
            for (RedisServer m : bed.masters()) {
                RedisServer replica = bed.replicasOf(m).get(0);
                assertThat(view.byId(bed.nodeId(replica)).orElseThrow().masterId()).isEqualTo(bed.nodeId(m));
            }
            assertThat(bed.ownerOf(0).address()).isEqualTo(bed.masters().get(0).hostAndPort());
            assertThat(bed.ownerOf(ClusterView.SLOTS - 1).address()).isEqualTo(bed.masters().get(2).hostAndPort());
            assertThat(bed.seeds()).hasSize(6);
            for (RedisServer s : bed.processes()) {
                assertThat(s.port() + FreePorts.BUS_OFFSET).isLessThanOrEqualTo(65_535);
                try (Jedis j = s.client()) {
                    assertThat(j.configGet("cluster-node-timeout")).containsValue("1500");
                    assertThat(j.configGet("maxmemory-policy")).containsValue("noeviction");
                }
            }
            for (RedisServer e : empty) {
                try (Jedis j = e.client()) {
                    assertThat(ClusterView.parse(j.clusterNodes()).nodes()).hasSize(1);
                    assertThat(j.clusterInfo()).contains("cluster_state:fail");
                }
            }
        }
        List<Long> alive = pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                .toList();
        assertThat(alive).as("processes left after close").isEmpty();
        System.out.printf("ClusterBedIT %s: total %d ms%n", version, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void aOneNodeClusterServesEverySlot() {
        try (ClusterBed bed = ClusterBed.start(Binaries.require(Binaries.APT), 1, 0)) {
            assertThat(bed.ownerOf(ClusterView.SLOTS - 1).address()).isEqualTo(bed.masters().get(0).hostAndPort());
            assertThat(bed.replicas()).isEmpty();
        }
    }

    @Test
    void rejectsAnEmptyCluster() {
        assertThatThrownBy(() -> ClusterBed.start(RedisBinary.system(), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("masters >= 1");
    }
}
