package dev.ferry.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class NodesViewTest {
    private static final String SEVEN = String.join("\n",
            "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected",
            "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922",
            "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383 [16000->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]",
            "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460",
            "");

    @Test
    void readsMastersReplicasSlotsAndOpenSlots() {
        NodesView view = NodesView.of("127.0.0.1:30001", SEVEN);
        assertThat(view.myself().address()).isEqualTo("127.0.0.1:30001");
        assertThat(view.myself().busPort()).isEqualTo(31001);
        assertThat(view.shardMasters()).hasSize(3);
        assertThat(view.uncovered().isEmpty()).isTrue();
        assertThat(view.hasReplica("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", "07c37dfeb235213a872192d90877d0cd55635b91")).isTrue();
        assertThat(view.byAddress("127.0.0.1:30004").orElseThrow().host()).isEqualTo("127.0.0.1");
        assertThat(view.byId("292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f").orElseThrow().openSlots())
                .containsExactly("[16000->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]");
        assertThat(NodesView.ranges(view.myself().slots())).isEqualTo("0-5460");
    }

    @Test
    void readsThreeZeroLinesWithoutBusPort() {
        NodesView view = NodesView.of("x", "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000 myself,master - 0 0 1 connected 0-16383\n");
        assertThat(view.myself().busPort()).isEqualTo(17000);
        assertThat(view.uncovered().isEmpty()).isTrue();
    }

    @Test
    void findsUncoveredSlotsAndWritesRanges() {
        NodesView view = NodesView.of("x", "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-100 102 200-16383\n");
        assertThat(NodesView.ranges(view.uncovered())).isEqualTo("101,103-199");
        BitSet some = new BitSet();
        some.set(0, 10);
        assertThat(view.serves("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", some)).isTrue();
        assertThat(NodesView.parseRanges("0-5,7")).isEqualTo(bits(0, 6, 7));
    }

    @Test
    void markerKeyLandsInTheShardsSlots() {
        BitSet slots = bits(10923, 16384);
        String key = SlotKeys.keyIn("ferry:cluster-marker:x", slots);
        assertThat(slots.get(redis.clients.jedis.util.JedisClusterCRC16.getSlot(key))).isTrue();
    }

    private static BitSet bits(int from, int to, int... more) {
        BitSet b = new BitSet();
        b.set(from, to);
        for (int m : more) {
            b.set(m);
        }
        return b;
    }
}
