package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisServerIT {

    @Test
    void systemBinaryIsDebians7015() {
        RedisBinary bin = Binaries.require(RedisBinary.system());
        assertThat(bin.label()).endsWith("(apt)").startsWith("7.0.15");
        assertThat(bin.version()).contains("7.0.15");
    }

    @Test
    void sharedFolderIsFound() {
        assumeTrue(RedisBinary.sharedRoot().isPresent(), "no shared/redis folder");
        assertThat(RedisBinary.sharedVersions()).contains("3.0.4");
        assertThat(RedisBinary.shared("3.0.4").label()).isEqualTo("3.0.4");
        assertThat(RedisBinary.shared("valkey-8.0.1").path().getFileName()).hasToString("valkey-server");
        assertThat(RedisBinary.shared("9.9.9").isAvailable()).isFalse();
    }

    @Test
    void apt7015StartsPingsRewritesAndCleansUp() {
        Binaries.require(RedisBinary.system());
        assertLifecycle(RedisBinary.system(), "7.0.15");
    }

    @Test
    void redis304StartsPingsRewritesAndCleansUp() {
        RedisBinary bin = Binaries.require("3.0.4");
        assertLifecycle(bin, "3.0.4");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.ferry.testkit.Binaries#all")
    void everyBinaryStartsAndRewritesConfig(RedisBinary bin) throws Exception {
        Binaries.require(bin);
        try (RedisServer server = RedisServer.start(bin); Jedis jedis = server.client()) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.configGet("repl-diskless-sync-delay")).containsEntry("repl-diskless-sync-delay", "0");
            assertThat(jedis.configGet("bind").get("bind")).isEqualTo("127.0.0.1");
            jedis.configSet("maxmemory-policy", "allkeys-lru");
            assertThat(jedis.configRewrite()).isEqualTo("OK");
            assertThat(Files.readString(server.configFile())).contains("maxmemory-policy allkeys-lru");
        }
    }

    @Test
    void requirepassIsUsedByClient() {
        try (RedisServer server = RedisServer.start(RedisBinary.system(), Map.of("requirepass", "s3cret"));
             Jedis jedis = server.client();
             Jedis anonymous = new Jedis(server.hostAndPort(), JedisClients.config(null, JedisClients.DEFAULT_TIMEOUT))) {
            assertThat(server.password()).isEqualTo("s3cret");
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThatThrownBy(() -> anonymous.get("k")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("NOAUTH");
        }
    }

    @Test
    void extraConfigOverridesDefaults() {
        try (RedisServer server = RedisServer.start(RedisBinary.system(), Map.of("repl-diskless-sync-delay", "3"));
             Jedis jedis = server.client()) {
            assertThat(jedis.configGet("repl-diskless-sync-delay")).containsEntry("repl-diskless-sync-delay", "3");
        }
    }

    @Test
    void killAndStopEndTheProcess() {
        try (RedisServer a = RedisServer.start(RedisBinary.system());
             RedisServer b = RedisServer.start(RedisBinary.system())) {
            assertThat(a.port()).isNotEqualTo(b.port());
            a.kill();
            assertThat(a.isAlive()).isFalse();
            assertThat(ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            b.stop();
            assertThat(b.isAlive()).isFalse();
            assertThat(b.logTail()).contains("ready to exit");
        }
    }

    @Test
    void badConfigFailsWithLogTail() {
        assertThatThrownBy(() -> RedisServer.start(RedisBinary.system(), Map.of("no-such-directive", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-directive");
    }

    @Test
    void shutdownHookKillsServersLeftRunning(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("probe.txt");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ReaperProbe.class.getName(), report.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(report).as(Files.readString(tmp.resolve("child.log"))).exists();
        List<String> lines = Files.readAllLines(report);
        long pid = Long.parseLong(lines.get(0));
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Paths.get(lines.get(1))).doesNotExist();
    }

    private static void assertLifecycle(RedisBinary bin, String version) {
        Path dir;
        long pid;
        RedisServer server = RedisServer.start(bin);
        try (Jedis jedis = server.client()) {
            dir = server.dir();
            pid = server.pid();
            assertThat(server.host()).isEqualTo("127.0.0.1");
            assertThat(server.binary()).isEqualTo(bin);
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(InfoParser.field(jedis.info("server"), "redis_version")).contains(version);
            assertThat(jedis.set("k", "v")).isEqualTo("OK");
            assertThat(jedis.get("k")).isEqualTo("v");
            jedis.configSet("maxmemory", "12345678");
            assertThat(jedis.configRewrite()).isEqualTo("OK");
            assertThat(server.configFile()).content().contains("maxmemory 12345678");
            assertThat(server.logFile()).exists();
        } finally {
            server.close();
        }
        assertThat(server.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir).doesNotExist();
    }
}
