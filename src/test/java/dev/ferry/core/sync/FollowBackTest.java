package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FollowBackTest {

    /** Every pair of the version matrix that can follow, and how; "valkey-x" is Valkey x. */
    @ParameterizedTest(name = "a {0} follows b {1}: {2}")
    @CsvSource({"7.0.15,7.2.6,PARTIAL_ONLY", "7.0.15,valkey-8.0.1,PARTIAL_ONLY", "7.2.6,valkey-8.0.1,LOADS_RDB",
            "4.0.14,5.0.14,PARTIAL_ONLY", "5.0.14,6.2.16,LOADS_RDB", "6.2.16,7.0.15,PARTIAL_ONLY",
            "3.0.4,3.0.4,LOADS_RDB", "3.0.4,4.0.14,REFUSED", "3.0.4,7.0.15,REFUSED", "4.0.14,4.0.14,LOADS_RDB",
            "7.2.6,7.0.15,LOADS_RDB"})
    void decidesThePathFromBothVersions(String a, String b, FollowBack.Path path) {
        FollowBack.Decision d = FollowBack.decide("a", version(a), "b", version(b));
        assertThat(d.path()).isEqualTo(path);
        assertThat(d.allowed()).isEqualTo(path != FollowBack.Path.REFUSED);
    }

    @Test
    void explainsWhyOnlyAPartialResyncWillDo() {
        assertThat(FollowBack.decide("a", version("7.0.15"), "b", version("7.2.6")).why())
                .isEqualTo("a follows b by partial resync (PSYNC2): a (7.0.15) cannot load b's RDB 11, so a full resync"
                        + " would be refused (checked before REPLICAOF, confirmed after)");
        assertThat(FollowBack.decide("a", version("3.0.4"), "b", version("4.0.14")).why())
                .contains("cannot load b's RDB 8", "a (3.0.4) has no PSYNC2");
    }

    @Test
    void acceptsAPartialResyncWhenIdOffsetAndBacklogAllMatch() {
        assertThat(FollowBack.partialResyncBlockers(a("old", 1000), b("old", 1001, 1, 2000))).isEmpty();
    }

    @Test
    void refusesAnotherReplicationId() {
        assertThat(FollowBack.partialResyncBlockers(a("other", 1000), b("old", 1001, 1, 2000)))
                .singleElement().asString().contains("replication id other");
    }

    @Test
    void refusesAnOffsetPastTheSharedHistory() {
        // a PING a sent its other replicas after b's promotion: 14 bytes b never had
        assertThat(FollowBack.partialResyncBlockers(a("old", 1014), b("old", 1001, 1, 2000)))
                .singleElement().asString().contains("offset 1014 went past");
    }

    @Test
    void refusesABacklogThatNoLongerHoldsTheOffset() {
        assertThat(FollowBack.partialResyncBlockers(a("old", 1000), b("old", 1001, 5000, 16384)))
                .singleElement().asString().contains("backlog");
        assertThat(FollowBack.partialResyncBlockers(a("old", 1000),
                Info.parse("master_replid2:old\nsecond_repl_offset:1001\nrepl_backlog_active:0\n"))).isNotEmpty();
    }

    private static Info a(String replid, long offset) {
        return Info.parse("role:master\nmaster_replid:" + replid + "\nmaster_repl_offset:" + offset + "\n");
    }

    private static Info b(String replid2, long secondOffset, long firstByte, long histlen) {
        return Info.parse("role:master\nmaster_replid:new\nmaster_replid2:" + replid2 + "\nsecond_repl_offset:" + secondOffset
                + "\nrepl_backlog_active:1\nrepl_backlog_first_byte_offset:" + firstByte + "\nrepl_backlog_histlen:" + histlen + "\n");
    }

    private static RedisVersion version(String name) {
        return name.startsWith("valkey-") ? RedisVersion.parse("7.2.4", "valkey " + name.substring(7))
                : RedisVersion.parse(name, "redis");
    }
}
