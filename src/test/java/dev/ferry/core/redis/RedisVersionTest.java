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

    /** "a,b,downgrade": whether moving from a to b goes to an older line; "valkey-x" is Valkey x (redis 7.2.4). */
    @ParameterizedTest(name = "{0} -> {1}: downgrade {2}")
    @CsvSource({"7.0.15,7.2.6,false", "7.2.6,7.0.15,true", "6.2.16,5.0.14,true", "5.0.14,6.2.16,false",
            "7.0.15,7.0.15,false", "7.0.15,valkey-8.0.1,false", "7.2.6,valkey-8.0.1,false", "valkey-8.0.1,7.2.6,true",
            "valkey-8.0.1,7.0.15,true", "valkey-8.0.1,valkey-8.0.1,false", "valkey-8.1.0,valkey-8.0.1,true",
            "valkey-8.0.1,7.4.1,false", "3.0.4,valkey-8.0.1,false"})
    void ordersRedisAndValkeyLines(String a, String b, boolean downgrade) {
        assertThat(version(b).olderLineThan(version(a))).isEqualTo(downgrade);
    }

    @Test
    void valkeyCarriesItsOwnVersionBesideTheRedisOneItReports() {
        RedisVersion valkey = version("valkey-8.0.1");
        assertThat(valkey.forkVersion()).contains(RedisVersion.parse("8.0.1", "redis"));
        assertThat(valkey.rdbVersion()).isEqualTo(11);
        assertThat(valkey.toString()).isEqualTo("valkey 8.0.1 (redis 7.2.4)");
        assertThat(version("7.2.6").forkVersion()).isEmpty();
        assertThat(valkey.hasPsync2()).isTrue();
        assertThat(version("3.0.4").hasPsync2()).isFalse();
        assertThat(version("5.0.14").hasSwapdbLoad()).isFalse();
        assertThat(version("6.2.16").hasSwapdbLoad()).isTrue();
    }

    static RedisVersion version(String name) {
        return name.startsWith("valkey-") ? RedisVersion.parse("7.2.4", "valkey " + name.substring(7))
                : RedisVersion.parse(name, "redis");
    }
}
