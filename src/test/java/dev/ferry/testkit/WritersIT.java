package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

class WritersIT {

    private static final Duration AWAIT = Duration.ofSeconds(10);

    static Stream<RedisBinary> aptAnd304() {
        RedisBinary old = RedisBinary.shared("3.0.4");
        return old.isAvailable() ? Stream.of(RedisBinary.system(), old) : Stream.of(RedisBinary.system());
    }

    @Test
    void countsAcksSurvivesClientKillAndDetectsLoss() {
        try (RedisServer server = RedisServer.start(RedisBinary.system()); Jedis admin = server.client()) {
            Writers writers = new Writers(config(server.hostAndPort()).build());
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(400, AWAIT);
                WriterStats before = writers.stats();
                assertThat(before.acknowledged()).isPositive();
                assertThat(before.errors()).isEmpty();

                long killed = admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.NORMAL));
                assertThat(killed).isGreaterThanOrEqualTo(4);
                writers.awaitAcknowledged(writers.acknowledged() + 400, AWAIT);
            }
            WriterStats stats = writers.stats();
            assertThat(stats.errorCount("connection")).as(stats.summary()).isGreaterThanOrEqualTo(4);
            assertThat(stats.reconnects()).as(stats.summary()).isGreaterThanOrEqualTo(4);
            assertThat(stats.acknowledgedKeys()).hasSize((int) stats.acknowledged());
            assertThat(InfoParser.field(admin.info("commandstats"), "cmdstat_eval")).isPresent();

            LossReport clean = writers.checkLost(admin);
            assertThat(clean.checked()).isEqualTo(stats.acknowledged());
            assertThat(clean.isClean()).as(clean.toString()).isTrue();

            admin.set(stats.acknowledgedKeys().get(0), "tampered");
            assertThat(writers.checkLost(admin).wrongValue()).isEqualTo(1);

            admin.flushAll();
            LossReport lost = writers.checkLost(admin);
            assertThat(lost.missing()).isEqualTo(lost.checked()).isEqualTo(stats.acknowledged());
            assertThat(lost.missingSample()).hasSize(10);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aptAnd304")
    @SuppressWarnings("deprecation") // SLAVEOF on purpose: 3.0.4 has no REPLICAOF
    void readonlyMakesWritersFollowTheEndpoint(RedisBinary bin) {
        try (RedisServer a = RedisServer.start(bin); RedisServer b = RedisServer.start(bin);
             Jedis adminA = a.client(); Jedis adminB = b.client()) {
            AtomicReference<HostAndPort> endpoint = new AtomicReference<>(a.hostAndPort());
            // Half the writes as EVAL: before 5.0 a script's READONLY arrives wrapped in an ERR reply.
            Writers writers = new Writers(config(endpoint::get).evalShare(0.5).build());
            long onA;
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(200, AWAIT);
                endpoint.set(b.hostAndPort());
                adminA.slaveof(b.host(), b.port());
                onA = writers.acknowledged();
                writers.awaitAcknowledged(onA + 400, AWAIT);
            }
            WriterStats stats = writers.stats();
            assertThat(stats.errorCount("READONLY")).as(stats.summary()).isGreaterThanOrEqualTo(1);
            assertThat(stats.errorCount("ERR")).as(stats.summary()).isZero();
            assertThat(stats.reconnects()).as(stats.summary()).isGreaterThanOrEqualTo(4);
            // A became B's replica, so what was acknowledged on A alone is gone: the check must say so.
            LossReport onB = writers.checkLost(adminB);
            assertThat(onB.missing()).as(onB.toString()).isGreaterThanOrEqualTo(200).isLessThan(onB.checked());
            // a write A acknowledged just before it became B's replica may be counted after onA was read: one per
            // writer at most, and lost with A's data like the others
            assertThat(onB.checked() - onB.missing()).isGreaterThanOrEqualTo(stats.acknowledged() - onA - stats.acknowledgedSeqs().size());
        }
    }

    @Test
    void deadMasterThenRepointShowsOutageAsGap() {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
             Jedis adminB = b.client()) {
            AtomicReference<HostAndPort> endpoint = new AtomicReference<>(a.hostAndPort());
            Writers writers = new Writers(config(endpoint::get).build());
            long onA;
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(200, AWAIT);
                a.kill();
                onA = writers.acknowledged();
                await().atMost(AWAIT).until(() -> writers.stats().connectFailures() >= 4);
                sleepMillis(300);
                endpoint.set(b.hostAndPort());
                writers.awaitAcknowledged(onA + 200, AWAIT);
            }
            WriterStats stats = writers.stats();
            assertThat(stats.errorCount("connection")).as(stats.summary()).isGreaterThanOrEqualTo(4);
            assertThat(stats.lastConnectError()).contains(a.hostAndPort().toString());
            assertThat(stats.longestGap()).as(stats.summary()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            LossReport onB = writers.checkLost(adminB);
            assertThat(onB.missing()).as(onB.toString()).isEqualTo(onA);
        }
    }

    @Test
    void longestGapShowsAClientPause() {
        try (RedisServer server = RedisServer.start(RedisBinary.system()); Jedis admin = server.client()) {
            Writers writers = new Writers(config(server.hostAndPort()).writers(2).build());
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(200, AWAIT);
                assertThat(writers.stats().longestGap()).isLessThan(Duration.ofMillis(300));
                admin.clientPause(600);
                writers.awaitAcknowledged(writers.acknowledged() + 200, AWAIT);
            }
            WriterStats stats = writers.stats();
            assertThat(stats.longestGap()).as(stats.summary())
                    .isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
            assertThat(stats.longestGapWriter()).isBetween(0, 1);
            assertThat(stats.longestGapEnd()).isAfter(stats.longestGapStart());
            assertThat(stats.errors()).isEmpty();
        }
    }

    @Test
    void boundedByWriteCountAndUsesPassword() {
        try (RedisServer server = RedisServer.start(RedisBinary.system(), Map.of("requirepass", "pw"));
             Jedis admin = server.client()) {
            Writers writers = new Writers(config(server.hostAndPort()).writers(2).ratePerWriter(0)
                    .maxWritesPerWriter(150).password("pw").keyPrefix("bounded").build());
            try (writers) {
                writers.start();
                writers.awaitAcknowledged(300, AWAIT);
            }
            WriterStats stats = writers.stats();
            assertThat(stats.attempted()).isEqualTo(300);
            assertThat(stats.acknowledgedBy(0)).isEqualTo(150);
            assertThat(stats.acknowledgedKeys()).contains("bounded:1:149");
            assertThat(admin.dbSize()).isEqualTo(300);
            assertThat(writers.checkLost(admin).isClean()).isTrue();
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Writers.Builder config(HostAndPort endpoint) {
        return Writers.Config.builder().endpoint(endpoint).ratePerWriter(200);
    }

    private static Writers.Builder config(java.util.function.Supplier<HostAndPort> endpoint) {
        return Writers.Config.builder().endpoint(endpoint).ratePerWriter(200);
    }
}
