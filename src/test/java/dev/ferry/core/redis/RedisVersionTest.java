package dev.ferry.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedisVersionTest {

    @ParameterizedTest
    @CsvSource({"3.0.4,6", "3.2.12,7", "4.0.14,8", "5.0.14,9", "6.2.16,9", "7.0.15,10", "7.2.6,11", "7.4.1,12"})
    void knowsTheRdbFormatOfEachLine(String version, int rdb) {
        assertThat(RedisVersion.parse(version, "redis").rdbVersion()).isEqualTo(rdb);
    }

    @Test
    void anOldReplicaCannotLoadANewMastersRdb() {
        RedisVersion old = RedisVersion.parse("3.0.4", "redis");
        RedisVersion now = RedisVersion.parse("7.0.15", "redis");
        assertThat(now.canLoadRdbOf(old)).isTrue();
        assertThat(old.canLoadRdbOf(now)).isFalse();
    }

    @Test
    void namesCommandsAndConfigsForTheServer() {
        RedisVersion v3 = RedisVersion.parse("3.0.4", "redis");
        RedisVersion v5 = RedisVersion.parse("5.0.14", "redis");
        assertThat(v3.replicaOfCommand()).isEqualTo("SLAVEOF");
        assertThat(v5.replicaOfCommand()).isEqualTo("REPLICAOF");
        assertThat(v3.configName("min-replicas-to-write")).isEqualTo("min-slaves-to-write");
        assertThat(v5.configName("replica-read-only")).isEqualTo("replica-read-only");
        assertThat(v3.hasPauseWrite()).isFalse();
        assertThat(RedisVersion.parse("6.2.0", "redis").hasPauseWrite()).isTrue();
    }

    @Test
    void refusesTextThatIsNoVersion() {
        assertThatThrownBy(() -> RedisVersion.parse("seven", "redis")).hasMessageContaining("seven");
    }
}
