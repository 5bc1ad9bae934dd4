package dev.ferry.core.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Cutover modes failover and drain on real servers, with writers counting every acknowledged write. */
class CutoverModesIT {
    private static final DemoConfig SMALL = DemoConfig.defaults().withKeys(2000).withWriters(4, 300);

    @Test
    void failoverModeHandsOverWithNothingLost() {
        try (Demo demo = new Demo(SMALL.withMode("failover"))) {
            DemoResult result = demo.run(RunListener.SILENT, line -> { });
            assertThat(result.run().status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(result.lostOnB().lost()).isZero();
            assertThat(result.lostOnC().lost()).isZero();
            assertThat(result.writers().acknowledged()).isGreaterThan(100);
            assertThat(cutover(result)).containsKey("pauseMillis").containsEntry("bPromoted", true);
            assertThat(role(demo.a().client())).isEqualTo("slave");
            assertThat(role(demo.b().client())).isEqualTo("master");
        }
    }

    @Test
    void failoverThatTimesOutLeavesAMasterAndLosesNothing() throws Exception {
        // b acknowledges its offset once a second, so a 20 ms FAILOVER timeout cannot be met under writes
        try (Demo demo = new Demo(SMALL.withMode("failover").withMaxPause(Duration.ofMillis(20))).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            Writers writers = demo.startWriters();
            Runner runner = runner(spec, demo.workDir(), false);
            assertThatThrownBy(runner::run).isInstanceOfSatisfying(FerryException.class,
                    e -> assertThat(e.code()).isEqualTo(ExitCode.ABORTED));
            try (Jedis a = demo.a().client(); Jedis b = demo.b().client()) {
                assertThat(role(a)).isEqualTo("master");
                assertThat(a.set("after-abort", "1")).isEqualTo("OK");
                assertThat(b.info("replication")).contains("role:slave", "master_port:" + demo.a().port());
            }
            writers.stop();
            try (Jedis a = demo.a().client()) {
                assertThat(writers.checkLost(a).lost()).isZero();
            }
            assertThat(Journal.open(demo.workDir().resolve(".ferry"), spec.name(), Clock.systemUTC()).status())
                    .isEqualTo(RunStatus.ABORTED);
        }
    }

    @Test
    void failoverModeIsRefusedOnServersOlderThan62WithNothingChanged() {
        RedisBinary old = Binaries.require("5.0.14");
        try (Demo demo = new Demo(SMALL.withKeys(100).withMode("failover").withBinaries(old, old, old)).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            assertThatThrownBy(() -> runner(spec, demo.workDir(), false).run())
                    .isInstanceOfSatisfying(FerryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ExitCode.PREFLIGHT);
                        assertThat(e.getMessage()).contains("6.2", "mode: pause");
                    });
            assertThat(role(demo.b().client())).isEqualTo("master");
            try (Jedis b = demo.b().client()) {
                assertThat(b.dbSize()).isZero();
            }
        }
    }

    @Test
    void drainModeIsRefusedWithoutConsent() {
        try (Demo demo = new Demo(SMALL.withKeys(100).withMode("drain")).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            assertThatThrownBy(() -> runner(spec, demo.workDir(), false).run())
                    .isInstanceOfSatisfying(FerryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ExitCode.PREFLIGHT);
                        assertThat(e.getMessage()).contains("--accept-divergence");
                    });
            try (Jedis b = demo.b().client()) {
                assertThat(b.info("replication")).contains("role:master");
                assertThat(b.dbSize()).isZero();
            }
        }
    }

    @Test
    void drainModeMeasuresWhatDivergedWhenWritersHitBothAAndB() throws Exception {
        try (Demo demo = new Demo(SMALL.withMode("drain")).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            Writers followers = demo.startWriters();
            // an application that ignores the switch keeps a's drain watch open, so the others write to the
            // writable replica b for the whole watch: writes that b never passes on to c
            try (Writers direct = new Writers(Writers.Config.builder().writers(1).ratePerWriter(200)
                    .endpoint(demo.a().hostAndPort()).keyPrefix("direct").maxDuration(Duration.ofMinutes(1)).build()).start()) {
                direct.awaitAcknowledged(10, Duration.ofSeconds(5));
                RunResult result = runner(spec, demo.workDir(), true).run();
                followers.stop();
                direct.stop();
                Map<String, Object> cutover = cutover(result.report());
                assertThat(((Number) cutover.get("keysOnBNotOnC")).longValue()).isGreaterThan(0);
                assertThat(cutover).containsKeys("aBytesAfterPromotion", "drainMillis");
                assertThat(result.report().get("warnings").toString()).contains("c lacks");
                try (Jedis c = demo.c().client()) {
                    assertThat(followers.checkLost(c).lost()).as("acknowledged writes missing on c").isGreaterThan(0);
                }
            }
        }
    }

    private static Runner runner(Spec spec, Path workDir, boolean acceptDivergence) {
        return new Runner(spec, new RunOptions(true, false, workDir.resolve(".ferry"), false, acceptDivergence),
                Confirmer.YES, RunListener.SILENT, SecretSource.system(), Clock.systemUTC());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cutover(DemoResult result) {
        return cutover(result.report());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cutover(Map<String, Object> report) {
        return (Map<String, Object>) report.get("cutover");
    }

    private static String role(Jedis jedis) {
        try (jedis) {
            String info = jedis.info("replication");
            return info.contains("role:master") ? "master" : "slave";
        }
    }

}
