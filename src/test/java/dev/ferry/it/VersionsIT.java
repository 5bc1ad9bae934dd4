package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.run.RunResult;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.WriterStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Issue 3, done when: the whole procedure with writers (some EVAL) loses nothing with each supported version
 * as a (b and c the same), and on the upgrade path 3.0.4 to 7.0.15, where a can only be detached.
 */
class VersionsIT {

    static Stream<String> versions() {
        return Stream.of("3.0.4", "4.0.14", "5.0.14", "6.2.16", "7.2.6", "apt");
    }

    private static RedisBinary binary(String version) {
        return Binaries.require(version);
    }

    @ParameterizedTest(name = "a = b = c = {0}")
    @MethodSource("versions")
    void wholeProcedureLosesNothing(String version) {
        RedisBinary bin = binary(version);
        completesWithNothingLost(bin, bin, "replica");
    }

    @Test
    void valkeyTakesOverFromRedis7() {
        // the detach path across the fork; after: replica (a partial resync toward RDB 11) is in VersionMatrixIT
        completesWithNothingLost(binary("apt"), binary("valkey-8.0.1"), "detach");
    }

    @Test
    void upgradeFrom304DetachesTheOldMaster() {
        try (Rig rig = Rig.start(Rig.config(binary("3.0.4"), binary("apt")))) {
            rig.spec("detach", "2s", "2s");
            rig.startWriters();
            WriterStats beforeRun = rig.writers().stats();
            RunResult result = rig.run(false, RunListener.SILENT);
            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 200, Duration.ofSeconds(10));
            rig.stopAndCheck().assertNothingLost();

            assertThat(missingOn(rig.a(), beforeRun.acknowledgedKeys())).as("a kept its data").isEmpty();
            Roles.assertRefusesWrites(rig.a());
            assertThat(rig.journal().pendingConfigChanges()).isEmpty();
            System.out.println("3.0.4 -> 7.0.15 detach: " + rig.writers().stats().summary() + ", a: " + Roles.role(rig.a())
                    + ", " + PauseCutoverIT.cutover(result));
        }
    }

    @Test
    void upgradeFrom304RefusesReplicaInPreflightAndChangesNothing() {
        try (Rig rig = Rig.start(Rig.config(binary("3.0.4"), binary("apt")))) {
            rig.spec("replica", "2s", "2s");
            Map<String, String> before = Roles.snapshot(rig.servers());
            Cli.Result refused = Cli.run(rig.args("run", "--yes"));
            assertThat(refused.code()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains("a can follow b").contains("detach");
            assertThat(Roles.snapshot(rig.servers())).isEqualTo(before);
        }
    }

    private static void completesWithNothingLost(RedisBinary a, RedisBinary bc, String after) {
        try (Rig rig = Rig.start(Rig.config(a, bc))) {
            rig.spec(after, "2s", "2s");
            rig.startWriters();
            RunResult result = rig.run(false, RunListener.SILENT);
            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 200, Duration.ofSeconds(10));
            Rig.Verdict verdict = rig.stopAndCheck();
            verdict.assertNothingLost();
            assertThat(Roles.usedEval(rig.a()) || Roles.usedEval(rig.b())).as("writers used EVAL").isTrue();
            assertThat(Roles.role(rig.b())).isEqualTo("master");
            assertThat(Roles.role(rig.c())).isEqualTo(Roles.replicaOf(rig.b()));
            if ("replica".equals(after)) {
                assertThat(Roles.role(rig.a())).isEqualTo(Roles.replicaOf(rig.b()));
            } else {
                Roles.assertRefusesWrites(rig.a());
            }
            assertThat(rig.journal().pendingConfigChanges()).isEmpty();
            System.out.printf("%s -> %s: %s, longest gap %d ms, cResync=%s, lost 0 of %d%n", a.label(), bc.label(),
                    PauseCutoverIT.cutover(result), rig.writers().stats().longestGap().toMillis(),
                    PauseCutoverIT.postCheck(result, "cResync"), verdict.onB().checked());
        }
    }

    private static List<String> missingOn(RedisServer server, List<String> keys) {
        try (Jedis j = server.client(Duration.ofSeconds(10))) {
            return keys.stream().filter(k -> !j.exists(k)).limit(10).toList();
        }
    }
}
