package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.Writers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The a-b link cut in the middle of the cutover pause, on a real network path (namespaces, not loopback): b cannot
 * catch up, so ferry must give up within max-pause and leave a master, unfenced, unpaused and taking writes, with
 * nothing acknowledged lost; once the link is back, run --restart finishes the move.
 */
@Tag("netns")
class LinkCutIT {
    private static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    /**
     * Queued behind the throttle (8 kbit/s) it keeps b behind for half a minute, yet stays under the 64 KB lag ferry
     * waits for before it fences: the fence goes up at once.
     */
    private static final int BULK = 32 * 1024;
    /** ferry's own work around the window (journal fsyncs, lifting the fence) plus a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    @Test
    void linkCutDuringThePauseAbortsWithAMasterAndNothingLost() throws Exception {
        try (LinkCutBed bed = LinkCutBed.create()) {
            bed.startA(dir);
            bed.startB(dir);
            try (Jedis a = bed.client(bed.a())) {
                Dataset.load(a, 2000, 11);
            }
            Path spec = dir.resolve("orders.yaml");
            MoveFixture.write(spec, "name: orders\nsource: { host: " + bed.a() + ", port: " + LinkCutBed.PORT + " }\n"
                    + "target: { host: " + bed.b() + ", port: " + LinkCutBed.PORT + " }\n"
                    + "cutover: { max-pause: " + MAX_PAUSE.toMillis() + "ms, drain-watch: 0s }\n"
                    + "switch: { type: hook, command: [\"./repoint.sh\"], timeout: 5s }\n");
            MoveFixture.writeHook(dir, bed.a() + ":" + LinkCutBed.PORT);
            try (Writers writers = new Writers(Writers.Config.builder().writers(4).ratePerWriter(300).evalShare(0.2)
                    .endpoint(() -> MoveFixture.endpointIn(dir)).maxDuration(Duration.ofMinutes(2)).build()).start()) {
                writers.awaitAcknowledged(300, Duration.ofSeconds(10));
                long[] cutAt = {0};
                FerryException aborted = catchThrowableOfType(FerryException.class,
                        () -> runner(spec, false, cutInThePause(bed, cutAt)).run());
                Duration took = Duration.ofNanos(System.nanoTime() - cutAt[0]);

                assertThat(aborted).as("ferry must not promote a b it cannot reach").isNotNull();
                assertThat(aborted.code()).as(aborted.getMessage()).isEqualTo(ExitCode.ABORTED);
                System.out.printf("[link-cut] ferry returned %d ms after the cut (max-pause %d ms): %s%n",
                        took.toMillis(), MAX_PAUSE.toMillis(), aborted.getMessage());
                assertThat(took).isLessThan(MAX_PAUSE.plus(SLACK));
                assertMasterUnfenced(bed);
                assertThat(Journal.open(dir.resolve("state"), "orders", Clock.systemUTC()).status())
                        .isEqualTo(RunStatus.ABORTED);
                writers.awaitAcknowledged(writers.acknowledged() + 300, Duration.ofSeconds(10));
                assertThat(writers.stats().longestGap()).as("the writers' longest wait: a paused at most max-pause")
                        .isLessThan(MAX_PAUSE.plus(SLACK));

                bed.heal();
                runner(spec, true, RunListener.SILENT).run();
                writers.stop();
                try (Jedis b = bed.client(bed.b())) {
                    LossReport loss = writers.checkLost(b);
                    System.out.printf("[link-cut] after run --restart: %s; %s%n", writers.stats().summary(), loss);
                    assertThat(loss.lost()).as(loss.toString()).isZero();
                    assertThat(b.get("bulk-during-cut")).hasSize(BULK);
                }
            }
        }
    }

    /**
     * When the cutover starts: a's stream to b is throttled and a 32 KB write queued behind it, so b cannot reach a's
     * offset; 150 ms later, inside the pause that follows, the link goes down.
     */
    private static RunListener cutInThePause(LinkCutBed bed, long[] cutAt) {
        return new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (!Cutover.NAME.equals(step)) {
                    return;
                }
                bed.throttleAToB();
                try (Jedis a = bed.client(bed.a())) {
                    a.set("bulk-during-cut", "x".repeat(BULK));
                }
                Thread cutter = new Thread(() -> {
                    sleep(150);
                    cutAt[0] = System.nanoTime();
                    bed.cut();
                }, "link-cutter");
                cutter.setDaemon(true);
                cutter.start();
            }
        };
    }

    private static void assertMasterUnfenced(LinkCutBed bed) {
        try (Jedis a = bed.client(bed.a())) {
            assertThat(a.info("replication")).contains("role:master");
            assertThat(a.configGet("min-replicas-to-write").get("min-replicas-to-write")).isEqualTo("0");
            long start = System.nanoTime();
            assertThat(a.set("after-cut", "1")).isEqualTo("OK");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a is not paused").isLessThan(Duration.ofMillis(300));
        }
    }

    private Runner runner(Path spec, boolean restart, RunListener listener) {
        return new Runner(SpecLoader.load(spec), new RunOptions(true, false, dir.resolve("state"), restart),
                Confirmer.YES, listener, SecretSource.system(), Clock.systemUTC());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
