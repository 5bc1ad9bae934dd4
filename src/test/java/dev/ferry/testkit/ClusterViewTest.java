package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.HostAndPort;

class ClusterViewTest {

    @Test
    void parsesEveryGenerationsClusterNodesLine() {
        String v3 = "a1 127.0.0.1:7000 myself,master - 0 0 1 connected 0-5 9 [10->-b2]\n"
                + "b2 127.0.0.1:7001 slave a1 0 1 2 connected\n"
                + "c3 127.0.0.1:7002 master,fail - 0 1 3 disconnected\n";
        String v7 = "a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5 9\n"
                + "b2 127.0.0.1:7001@17001,host1 slave a1 0 1 2 connected\n";
        ClusterView old = ClusterView.parse(v3);
        assertThat(old).isEqualTo(ClusterView.parse(v7));
        assertThat(old.ownerOf(9).orElseThrow().id()).isEqualTo("a1");
        assertThat(old.ownerOf(10)).isEmpty();
        assertThat(old.coveredSlots()).isEqualTo(7);
        assertThat(old.replicasOf("a1")).extracting(ClusterView.Node::id).containsExactly("b2");
        assertThat(old.nodes().stream().map(n -> n.address().getPort()).collect(Collectors.toList()))
                .containsExactly(7000, 7001);
    }

    @Test
    void aNodeNoOneMetYetGetsItsAddressFromTheCaller() {
        String alone = "a1 :7000 myself,master - 0 0 0 connected 0-16383\n";
        HostAndPort self = new HostAndPort("127.0.0.1", 7000);
        assertThat(ClusterView.parse(alone, self).nodes().get(0).address()).isEqualTo(self);
        assertThat(ClusterView.parse(alone).nodes().get(0).address().getHost()).isEmpty();
    }

    @Test
    void viewsDifferingInARoleOrASlotDiffer() {
        String base = "a1 127.0.0.1:7000@17000 master - 0 0 1 connected 0-16383\n"
                + "b2 127.0.0.1:7001@17001 slave a1 0 1 2 connected\n";
        String swapped = "a1 127.0.0.1:7000@17000 slave b2 0 0 1 connected\n"
                + "b2 127.0.0.1:7001@17001 master - 0 1 2 connected 0-16383\n";
        String lessSlots = "a1 127.0.0.1:7000@17000 master - 0 0 1 connected 0-16382\n"
                + "b2 127.0.0.1:7001@17001 slave a1 0 1 2 connected\n";
        assertThat(ClusterView.parse(base)).isNotEqualTo(ClusterView.parse(swapped))
                .isNotEqualTo(ClusterView.parse(lessSlots));
        assertThat(ClusterView.parse(base).coveredSlots()).isEqualTo(ClusterView.SLOTS);
        assertThat(ClusterView.parse(swapped).ownerOf(5).orElseThrow().id()).isEqualTo("b2");
        assertThat(ClusterView.parse(swapped).isReplicaOf("a1", "b2")).isTrue();
        assertThat(ClusterView.parse(swapped).isMaster("a1")).isFalse();
        assertThat(ClusterView.parse(base).isReplicaOf("a1", "b2")).isFalse();
    }
}
