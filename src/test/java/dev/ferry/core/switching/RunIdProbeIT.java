package dev.ferry.core.switching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.TlsSockets;
import dev.ferry.core.spec.TlsSpec;
import dev.ferry.safety.TlsFiles;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The one "does this address answer as the new master" probe (VIP, check-endpoint), on real servers. */
class RunIdProbeIT {
    private static final Duration POLL = Duration.ofMillis(20);

    @TempDir
    Path dir;

    private static RedisNode node(String label, int port, Optional<SSLSocketFactory> tls) {
        return new RedisNode(label, RedisServer.HOST, port, Optional.empty(), "ferry-test", 1000, Map.of(), tls);
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long in(Duration d) {
        return Ticker.system().read() + d.toNanos();
    }

    @Test
    void anAddressLeadingToTheMasterAnswersAndOneLeadingElsewhereDoesNot() {
        try (RedisServer b = RedisServer.start(RedisBinary.system()); RedisServer other = RedisServer.start(RedisBinary.system());
                RedisNode master = node("b", b.port(), Optional.empty())) {
            RunIdProbe.Result onB = new RunIdProbe("the endpoint", RedisServer.HOST, b.port(), "ferry-test-check",
                    Ticker.system()).await(master, in(Duration.ofSeconds(5)), POLL);
            assertThat(onB.answered()).as(onB.lastSeen()).isTrue();
            assertThat(onB.lastSeen()).isEqualTo(master.runId());

            RunIdProbe.Result elsewhere = new RunIdProbe("the endpoint", RedisServer.HOST, other.port(), "ferry-test-check",
                    Ticker.system()).await(master, in(Duration.ofMillis(300)), POLL);
            assertThat(elsewhere.answered()).isFalse();
            assertThat(elsewhere.lastSeen()).hasSize(40).isNotEqualTo(master.runId());
        }
    }

    /** The master is spoken to over TLS, so the address in front of it is too (the old VIP probe was plain). */
    @Test
    void anAddressInFrontOfATlsMasterIsProbedOverTls() {
        TlsFiles files = TlsFiles.create(dir.resolve("tls"));
        Map<String, String> config = new HashMap<>(files.serverConfig("no"));
        int tlsPort = freePort();
        config.put("tls-port", Integer.toString(tlsPort));
        SSLSocketFactory tls = TlsSockets.factory("target", new TlsSpec(Optional.of(files.file(TlsFiles.CA)),
                Optional.empty(), Optional.empty(), Optional.empty()));
        try (RedisServer b = RedisServer.start(RedisBinary.system(), config);
                RedisNode master = node("b", tlsPort, Optional.of(tls))) {
            try (Jedis plain = b.client()) {
                plain.configSet("port", "0"); // TLS only from here on, as in production
            }
            RunIdProbe.Result result = new RunIdProbe("the VIP", RedisServer.HOST, tlsPort, "ferry-test-vip",
                    Ticker.system()).await(master, in(Duration.ofSeconds(5)), POLL);
            assertThat(result.answered()).as(result.lastSeen()).isTrue();
        }
    }
}
