package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.run.RunResult;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Issue 3, done when: b made unable to catch up leaves a master, unfenced and unpaused within max-pause, b
 * still a's replica, the journal ended ABORTED (exit 5), and a fresh {@code run --restart} then succeeds.
 *
 * <p>b (always 7.0.15) is held with {@code CLIENT PAUSE WRITE} when the cutover step starts: a paused 7.x
 * replica stops applying its master's stream but still answers ferry's reads, so it stays reachable and simply
 * never reaches the captured offset. The fence under test is chosen by a's version.
 */
class AbortIT {
    private static final Duration MAX_PAUSE = Duration.ofMillis(500);
    /** ferry's own work around the window (journal fsyncs, lifting the fence) plus a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);

    static Stream<String> sources() {
        return Stream.of("apt", "5.0.14", "3.0.4");
    }

    @ParameterizedTest(name = "a = {0}")
    @MethodSource("sources")
    void bThatCannotCatchUpAbortsBeforePromotion(String source) {
        RedisBinary aBinary = Binaries.require(source);
        try (Rig rig = Rig.start(Rig.config(aBinary, RedisBinary.system()))) {
            // an a older than b cannot load b's RDB: detach is the only fate preflight accepts; the abort is before it
            rig.spec("apt".equals(source) ? "replica" : "detach", MAX_PAUSE.toMillis() + "ms", "2s");
            Map<String, String> fenceBefore = Roles.fenceConfigs(rig.a());
            rig.startWriters();
            Duration took = abortedRun(rig);
            System.out.printf("abort with a = %s: ferry returned %d ms after the cutover started (max-pause %d ms)%n",
                    source, took.toMillis(), MAX_PAUSE.toMillis());

            assertThat(took).as("ferry returned within max-pause + slack").isLessThan(MAX_PAUSE.plus(SLACK));
            Roles.assertTakesWrites(rig.a(), Duration.ofSeconds(1));
            assertThat(Roles.role(rig.a())).isEqualTo("master");
            assertThat(Roles.fenceConfigs(rig.a())).as("fence lifted: configs restored").isEqualTo(fenceBefore);
            assertThat(Roles.role(rig.b())).isEqualTo(Roles.replicaOf(rig.a()));
            assertThat(rig.journal().status()).isEqualTo(RunStatus.ABORTED);
            assertThat(rig.journal().pendingConfigChanges()).isEmpty();
            assertThat(Cutover.promoted(rig.journal())).isFalse();
            rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 100, Duration.ofSeconds(10));

            unpause(rig.b());
            RunResult again = rig.run(true, RunListener.SILENT);
            assertThat(again.status()).isEqualTo(RunStatus.COMPLETED);
            rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 100, Duration.ofSeconds(10));
            rig.stopAndCheck().assertNothingLost();
        }
    }

    /** Runs ferry with b paused from the moment the cutover step starts; returns how long the cutover took. */
    private static Duration abortedRun(Rig rig) {
        long[] cutoverStart = {0};
        RunListener pauseB = new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (Cutover.NAME.equals(step)) {
                    try (Jedis b = rig.b().client()) {
                        b.clientPause(MAX_PAUSE.plus(Duration.ofSeconds(20)).toMillis(),
                                redis.clients.jedis.args.ClientPauseMode.WRITE);
                    }
                    cutoverStart[0] = System.nanoTime();
                }
            }
        };
        FerryException aborted = catchThrowableOfType(FerryException.class, () -> rig.run(false, pauseB));
        Duration took = Duration.ofNanos(System.nanoTime() - cutoverStart[0]);
        assertThat(aborted).as("ferry must refuse to promote a b that is behind").isNotNull();
        assertThat(aborted.code()).as(aborted.getMessage()).isEqualTo(ExitCode.ABORTED);
        assertThat(aborted.code().value()).isEqualTo(5);
        assertThat(aborted.getMessage()).contains("max-pause");
        return took;
    }

    private static void unpause(RedisServer b) {
        try (Jedis j = b.client()) {
            j.clientUnpause();
        }
    }
}
