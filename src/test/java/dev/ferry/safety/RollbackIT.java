package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.Writers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

/** ferry rollback before and after the cutover, with writers running: nothing acknowledged lost, a master at the end. */
class RollbackIT {
    @TempDir
    Path dir;

    @Test
    void beforeCutoverDetachesBAndCAndLeavesAUntouched() throws Exception {
        try (MoveFixture f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "")) {
            Writers writers = f.startWriters();
            MoveFixture.ProcessResult run = f.ferryProcess(Map.of("FERRY_FAILPOINT", "chain c to b:completed"), "run", "--yes");
            assertThat(run.code()).as(run.err()).isEqualTo(137);
            assertThat(MoveFixture.role(f.b)).contains("role:slave").contains("master_port:" + f.a.port());
            assertThat(MoveFixture.role(f.c)).contains("master_port:" + f.b.port());

            Cli.Result rollback = f.ferry("rollback", "--yes");

            assertThat(rollback.code()).as(rollback.toString()).isZero();
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(10));
            writers.stop();
            assertThat(MoveFixture.role(f.a)).startsWith("role:master");
            assertThat(MoveFixture.role(f.b)).startsWith("role:master");
            assertThat(MoveFixture.role(f.c)).startsWith("role:master");
            assertThat(f.endpoint().getPort()).isEqualTo(f.a.port());
            try (Jedis a = f.a.client(); Jedis b = f.b.client()) {
                assertThat(b.dbSize()).as("b keeps its copy").isGreaterThanOrEqualTo(2000);
                LossReport lost = writers.checkLost(a);
                assertThat(lost.missing() + lost.wrongValue()).as(lost.toString()).isZero();
                assertThat(writers.stats().totalErrors()).as(writers.stats().summary()).isZero();
            }
            assertThat(MoveFixture.config(f.a, "min-replicas-to-write")).isEqualTo("0");
            assertThat(f.journal().status()).isEqualTo(RunStatus.ABORTED);
            assertThat(f.journal().pendingConfigChanges()).isEmpty();
            assertThat(f.ferry("rollback", "--yes").errLine()).contains("nothing to roll back");
        }
    }

    /**
     * 7.0 fences with CLIENT PAUSE WRITE, 5.0 with the closed door (maxclients): both must switch back losslessly.
     * 7.0.15 -> 7.2.6: a follows b by partial resync although it cannot load b's RDB 11, so it has b's writes and
     * the rollback may use it (issue 17; refused before).
     */
    @ParameterizedTest(name = "a {0}, b and c {1}")
    @CsvSource({"apt, apt", "5.0.14, 5.0.14", "apt, 7.2.6"})
    void afterACompletedRunSwitchesBackWithoutLosingAWrite(String aVersion, String bcVersion) throws Exception {
        try (MoveFixture f = new MoveFixture(dir, Binaries.require(aVersion), Binaries.require(bcVersion), Map.of(), "")) {
            Writers writers = f.startWriters();
            Cli.Result run = f.ferry("run", "--yes");
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(f.endpoint().getPort()).isEqualTo(f.b.port());
            writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));
            System.out.println("[rollback] after the run: " + writers.stats().summary() + "\n" + run.out());

            Cli.Result rollback = f.ferry("rollback", "--yes");

            assertThat(rollback.code()).as(rollback.toString()).isZero();
            assertThat(f.endpoint().getPort()).as("the hook ran with source and target swapped").isEqualTo(f.a.port());
            writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));
            writers.stop();
            assertThat(MoveFixture.role(f.a)).startsWith("role:master");
            assertThat(MoveFixture.role(f.b)).contains("role:slave").contains("master_port:" + f.a.port());
            assertThat(MoveFixture.role(f.c)).contains("role:slave").contains("master_port:" + f.a.port());
            try (Jedis a = f.a.client()) {
                LossReport lost = writers.checkLost(a);
                assertThat(lost.checked()).isGreaterThan(1000);
                assertThat(lost.missing() + lost.wrongValue()).as(lost.toString()).isZero();
                a.set("after-rollback", "1");
            }
            for (var s : new dev.ferry.testkit.RedisServer[] {f.a, f.b}) {
                assertThat(MoveFixture.config(s, "min-replicas-to-write")).isEqualTo("0");
            }
            assertThat(f.journal().pendingConfigChanges()).isEmpty();
            assertThat(f.journal().status()).isEqualTo(RunStatus.ABORTED);
            System.out.println("[rollback] " + writers.stats().summary() + "\n" + rollback.out());
        }
    }

    @Test
    void afterDetachTheFenceOnAIsLiftedAndAGetsBsWrites() throws Exception {
        try (MoveFixture f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "after: { source: detach }\n")) {
            Writers writers = f.startWriters();
            Cli.Result run = f.ferry("run", "--yes");
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(MoveFixture.config(f.a, "min-replicas-to-write")).as("a is fenced by detach").isNotEqualTo("0");
            writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));

            Cli.Result rollback = f.ferry("rollback", "--yes");

            assertThat(rollback.code()).as(rollback.toString()).isZero();
            writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));
            writers.stop();
            assertThat(MoveFixture.role(f.a)).startsWith("role:master");
            assertThat(MoveFixture.config(f.a, "min-replicas-to-write")).isEqualTo("0");
            try (Jedis a = f.a.client()) {
                LossReport lost = writers.checkLost(a);
                assertThat(lost.missing() + lost.wrongValue()).as(lost.toString()).isZero();
            }
        }
    }
}
