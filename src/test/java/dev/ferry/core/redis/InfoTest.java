package dev.ferry.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InfoTest {
    private static final String REPLICA = String.join("\r\n", "# Replication", "role:slave", "master_host:10.0.0.1",
            "master_port:6379", "master_link_status:up", "master_sync_in_progress:0", "slave_repl_offset:1234",
            "master_repl_offset:1234", "", "# Keyspace", "db0:keys=10,expires=2,avg_ttl=0", "db3:keys=5,expires=0,avg_ttl=0");

    @Test
    void readsReplicationFacts() {
        ReplicationState state = ReplicationState.of(Info.parse(REPLICA));
        assertThat(state.isReplica()).isTrue();
        assertThat(state.linkUp()).isTrue();
        assertThat(state.offset()).isEqualTo(1234);
        assertThat(state.replicatesFrom("10.0.0.1", 6379)).isTrue();
        assertThat(state.replicatesFrom("10.0.0.1", 6380)).isFalse();
    }

    @Test
    void countsKeysInEveryDatabase() {
        Info info = Info.parse(REPLICA);
        assertThat(info.keysPerDb()).containsEntry(0, 10L).containsEntry(3, 5L);
        assertThat(info.totalKeys()).isEqualTo(15);
    }

    @Test
    void toleratesMissingAndOddFields() {
        Info info = Info.parse("role:master\r\nweird\r\nmaster_repl_offset:x\r\n");
        assertThat(info.getLong("master_repl_offset", -1)).isEqualTo(-1);
        assertThat(info.getLong("absent", 7)).isEqualTo(7);
        assertThat(ReplicationState.of(info).isMaster()).isTrue();
    }

    @Test
    void tellsApplicationClientsFromReplicasAndFerry() {
        ClientInfo app = ClientInfo.parse("id=3 addr=10.1.1.1:5000 laddr=10.0.0.100:6379 fd=8 name= flags=N db=0 cmd=set");
        ClientInfo replica = ClientInfo.parse("id=4 addr=10.0.0.2:6000 fd=9 name= flags=S db=0 cmd=replconf");
        ClientInfo ferry = ClientInfo.parse("id=5 addr=127.0.0.1:7000 fd=10 name=ferry-orders-1-ab flags=N db=0 cmd=info");
        assertThat(app.isApplication()).isTrue();
        assertThat(app.host()).isEqualTo("10.1.1.1");
        assertThat(app.laddr()).isEqualTo("10.0.0.100:6379");
        assertThat(replica.isApplication()).isFalse();
        assertThat(ferry.isApplication()).isFalse();
    }
}
