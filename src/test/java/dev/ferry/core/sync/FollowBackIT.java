package dev.ferry.core.sync;

import dev.ferry.core.steps.AfterSource;
import dev.ferry.core.steps.Preflight;
import dev.ferry.core.steps.VerifyStep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Issue 17: a follows a newer b by partial resync where it cannot load b's RDB, and keeps its data whenever the
 * resync would not be partial, before the checks (a backlog that no longer holds a's offset) or after them.
 */
class FollowBackIT {
    private static final int KEYS = 2000;
    private static final DemoConfig SMALL = DemoConfig.defaults().withKeys(KEYS).withWriters(4, 300);

    @AfterEach
    void noHook() {
        FollowBack.testHook = point -> { };
    }

    @Test
    void olderAFollowsNewerBByPartialResyncAndIsVerifiedAgainstIt() {
        RedisBinary b = Binaries.require("7.2.6");
        try (Demo demo = new Demo(SMALL.withBinaries(Binaries.require(Binaries.APT), b, b))) {
            DemoResult result = demo.run(RunListener.SILENT, line -> { });
            assertThat(result.run().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(result.lostOnB().lost()).isZero();
            assertThat(result.lostOnC().lost()).isZero();
            Map<String, Object> preflight = step(result, Preflight.NAME);
            assertThat(String.valueOf(preflight.get("a can follow b")))
                    .contains("a follows b by partial resync (PSYNC2): a (7.0.15) cannot load b's RDB 11");
            assertThat(String.valueOf(preflight.get("upgrade path"))).contains("upgrade: a 7.0.15 -> b 7.2.6");
            Map<String, Object> after = step(result, AfterSource.NAME);
            assertThat(after).containsEntry("followPath", "PARTIAL_ONLY").containsKey("laterFullResync");
            assertThat(String.valueOf(after.get("resync"))).startsWith("partial");
            assertThat(step(result, VerifyStep.FOLLOWER)).isNotEmpty().doesNotContainKey("skipped");
            assertThat(info(demo.a(), "replication")).contains("master_port:" + demo.b().port(), "master_link_status:up");
            try (Jedis a = demo.a().client()) {
                assertThat(a.configGet("repl-diskless-load")).containsEntry("repl-diskless-load", "swapdb");
                assertThat(a.configGet("repl-ping-replica-period")).containsEntry("repl-ping-replica-period", "10");
            }
            assertThat(result.run().report().get("configs").toString()).contains("swapdb");
        }
    }

    /** FAILOVER demotes a itself: preflight warns, swapdb is set on a first, and the report says how a resynced. */
    @Test
    void failoverModeTowardANewerBSetsSwapdbFirstAndReportsTheResync() {
        RedisBinary b = Binaries.require("7.2.6");
        try (Demo demo = new Demo(SMALL.withMode("failover").withBinaries(Binaries.require(Binaries.APT), b, b))) {
            DemoResult result = demo.run(RunListener.SILENT, line -> { });
            assertThat(result.run().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(result.lostOnB().lost()).isZero();
            assertThat(result.lostOnC().lost()).isZero();
            assertThat(String.valueOf(result.run().report().get("warnings"))).contains("FAILOVER demotes a itself");
            assertThat(String.valueOf(step(result, AfterSource.NAME).get("resync"))).startsWith("partial");
            try (Jedis a = demo.a().client()) {
                assertThat(a.configGet("repl-diskless-load")).containsEntry("repl-diskless-load", "swapdb");
            }
        }
    }

    @Test
    void backlogThatNoLongerHoldsAsOffsetKeepsADetachedWithItsData() {
        RedisBinary b = Binaries.require("7.2.6");
        keepsADetached(Binaries.require(Binaries.APT), b, "before-check", "backlog");
    }

    /** A 4.0 a has no swapdb: only b's diskless-sync delay stands between a full sync and an empty a. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"apt, 7.2.6", "4.0.14, 5.0.14"})
    void fullResyncAgainstTheChecksIsStoppedBeforeAIsEmptied(String aVersion, String bVersion) {
        RedisBinary b = Binaries.require(bVersion);
        keepsADetached(Binaries.require(aVersion), b, "before-replicaof", "started a full resync");
    }

    @Test
    void downgradeIsRefusedInPreflightWithNothingChanged() {
        // 6.2 and 5.0 both write RDB 9: the RDB rule alone would let this through
        try (Demo demo = new Demo(SMALL.withKeys(100).withBinaries(Binaries.require("6.2.16"),
                Binaries.require("5.0.14"), Binaries.require("5.0.14"))).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            assertThatThrownBy(() -> runner(spec, demo).run()).isInstanceOfSatisfying(FerryException.class, e -> {
                assertThat(e.code()).isEqualTo(ExitCode.PREFLIGHT);
                assertThat(e.getMessage()).contains("upgrade path", "downgrade", "not older than a");
            });
            assertThat(info(demo.b(), "replication")).contains("role:master");
            assertThat(info(demo.b(), "keyspace")).doesNotContain("keys=");
        }
    }

    /** The hook overflows b's backlog at {@code point}: a must end as a fenced master with all its keys. */
    private static void keepsADetached(RedisBinary aBinary, RedisBinary bBinary, String point, String why) {
        try (Demo demo = new Demo(SMALL.withBinaries(aBinary, bBinary, bBinary))) {
            long[] syncFullBefore = {-1};
            FollowBack.testHook = at -> {
                if (at.equals(point)) {
                    syncFullBefore[0] = stat(demo.b(), "sync_full");
                    overflowBacklog(demo.b());
                }
            };
            DemoResult result = demo.run(RunListener.SILENT, line -> { });
            assertThat(result.run().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(result.lostOnB().lost()).isZero();
            assertThat(result.lostOnC().lost()).isZero();
            assertThat(syncFullBefore[0]).as("the hook ran").isNotNegative();
            Map<String, Object> cutover = cutoverFacts(result);
            assertThat(String.valueOf(cutover.get("followBackRefused"))).contains(why);
            assertThat(cutover).containsKeys("wayOut", "detached");
            assertThat(String.valueOf(result.run().report().get("warnings"))).contains("does not follow b");
            // detached: a master, or before 6.2 a read-only replica of itself; never b's replica
            assertThat(info(demo.a(), "replication")).doesNotContain("master_port:" + demo.b().port());
            assertThat(keys(demo.a())).as("a kept its data").isGreaterThanOrEqualTo(KEYS);
            assertRefusesWrites(demo.a());
            if (point.equals("before-replicaof")) {
                assertThat(stat(demo.b(), "sync_full")).as("b served the full sync that was stopped").isGreaterThan(syncFullBefore[0]);
            }
        }
    }

    /** A 16 KB backlog on b, then 2 MB of writes on b: a's offset falls out of it. */
    private static void overflowBacklog(RedisServer b) {
        try (Jedis j = b.client(Duration.ofSeconds(10))) {
            j.configSet("repl-backlog-size", "16384");
            String value = "x".repeat(8192);
            for (int i = 0; i < 256; i++) {
                j.set("followback:overflow:" + i, value);
            }
        }
    }

    private static void assertRefusesWrites(RedisServer server) {
        String reply;
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            reply = j.set("probe:refused", "1");
        } catch (JedisException refused) {
            reply = "refused: " + refused.getMessage();
        }
        assertThat(reply).as("a write on the detached a").doesNotStartWith("OK");
    }

    private static Runner runner(Spec spec, Demo demo) {
        return new Runner(spec, new RunOptions(true, false, demo.workDir().resolve(".ferry"), false, false),
                Confirmer.YES, RunListener.SILENT, SecretSource.system(), Clock.systemUTC());
    }

    private static String info(RedisServer server, String section) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return j.info(section);
        } catch (JedisException behindFence) {
            return "unreachable: " + behindFence.getMessage();
        }
    }

    private static long stat(RedisServer server, String field) {
        for (String line : info(server, "stats").split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        return -1;
    }

    private static long keys(RedisServer server) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return j.dbSize();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cutoverFacts(DemoResult result) {
        return (Map<String, Object>) result.run().report().get("cutover");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> step(DemoResult result, String name) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.run().report().get("steps");
        return steps.stream().filter(s -> name.equals(s.get("name"))).findFirst()
                .map(s -> (Map<String, Object>) s.get("facts")).orElse(Map.of());
    }
}
