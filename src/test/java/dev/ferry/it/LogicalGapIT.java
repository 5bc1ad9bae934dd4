package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.Writers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue 14, a gap in the feed: the subscriber's connection is killed on a during the copy (what a's output-buffer
 * limit does to a subscriber that falls behind). The sync must notice (never a silent gap), rescan, and still
 * lose nothing.
 */
class LogicalGapIT {

    @Test
    void aDroppedSubscriberIsDetectedAndAnsweredByARescan() throws InterruptedException {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Writers writers = m.startWriters();
            List<String> warnings = new CopyOnWriteArrayList<>();
            AtomicLong killed = new AtomicLong();
            RunListener listener = new RunListener() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }

                @Override
                public void stepStarted(String step) {
                    if (step.startsWith("copy b from a")) {
                        Thread t = new Thread(() -> killed.set(killSubscriber(m)));
                        t.setDaemon(true);
                        t.start();
                    }
                }
            };
            RunResult result = new Runner(SpecLoader.load(m.spec("logical", "detach")),
                    new RunOptions(true, false, m.stateDir(), false, false, true), Confirmer.YES, listener,
                    SecretSource.system(), Clock.systemUTC()).run();
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(10));
            writers.stop();
            Rig.awaitReplicaCaughtUp(m.c, m.b);
            LossReport onB;
            try (Jedis jb = m.b.client(Duration.ofSeconds(30))) {
                onB = writers.checkLost(jb);
            }
            Map<String, Object> cutover = Journal.open(m.stateDir(), "managed", Clock.systemUTC()).facts("cutover");
            System.out.println("LogicalGapIT: killed " + killed.get() + " subscriber(s); warnings " + warnings
                    + "; cutover " + cutover);

            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(killed.get()).as("the subscriber was killed").isEqualTo(1);
            assertThat(warnings).anyMatch(w -> w.contains("rescanning a"));
            assertThat(((Number) cutover.get("rescans")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(String.valueOf(cutover.get("lastGap"))).contains("dropped");
            assertThat(onB.checked()).isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
        }
    }

    /**
     * The real thing: a with a 64 kB pubsub output-buffer limit and, mid-copy, one EVAL that sets 4,000 keys with
     * long names (about 2 MB of events at once, more than the limit): a disconnects the subscriber itself.
     */
    @Test
    void aSubscriberOverItsOutputBufferLimitIsDetectedAndAnsweredByARescan() throws java.io.IOException {
        try (ManagedSource m = ManagedSource.start("KEA", dev.ferry.testkit.RedisBinary.system(),
                Map.of("client-output-buffer-limit pubsub", "64kb 0 0"))) {
            Writers writers = m.startWriters();
            List<String> warnings = new CopyOnWriteArrayList<>();
            AtomicLong burst = new AtomicLong();
            RunListener listener = new RunListener() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }

                @Override
                public void stepStarted(String step) {
                    if (step.startsWith("copy b from a")) {
                        Thread t = new Thread(() -> burst.set(burst(m)));
                        t.setDaemon(true);
                        t.start();
                    }
                }
            };
            RunResult result = new Runner(SpecLoader.load(m.spec("logical", "detach", 8_000)),
                    new RunOptions(true, false, m.stateDir(), false, false, true), Confirmer.YES, listener,
                    SecretSource.system(), Clock.systemUTC()).run();
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(10));
            writers.stop();
            Rig.awaitReplicaCaughtUp(m.c, m.b);
            LossReport onB;
            long overLimit;
            try (Jedis jb = m.b.client(Duration.ofSeconds(30)); Jedis ja = m.a.client(Duration.ofSeconds(5))) {
                onB = writers.checkLost(jb);
                // 7.0 counts no such disconnections in INFO; its log names each one
                overLimit = java.nio.file.Files.readAllLines(m.a.logFile()).stream()
                        .filter(l -> l.contains("closed ASAP for overcoming of output buffer limits") && l.contains("psub=1")).count();
            }
            Map<String, Object> cutover = Journal.open(m.stateDir(), "managed", Clock.systemUTC()).facts("cutover");
            System.out.println("LogicalGapIT (buffer limit): burst of " + burst.get() + " keys; a disconnected " + overLimit
                    + " client(s) over their output-buffer limit; warnings " + warnings + "; cutover " + cutover);

            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(burst.get()).as("the burst ran").isPositive();
            assertThat(overLimit).as("a disconnected the subscriber over its limit").isPositive();
            assertThat(warnings).anyMatch(w -> w.contains("rescanning a"));
            assertThat(((Number) cutover.get("rescans")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(onB.checked()).isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
            assertThat(LogicalSyncIT.verifyFull(m)).as("ferry verify --full, a against b").isEqualTo("match");
        }
    }

    /** One EVAL setting 4,000 keys whose names are 500 bytes long, 200 ms into the copy; returns the keys set. */
    private static long burst(ManagedSource m) {
        try (Jedis a = m.a.client(Duration.ofSeconds(10))) {
            Thread.sleep(200);
            Object n = a.eval("for i = 1, 4000 do redis.call('SET', ARGV[1] .. i, i) end return 4000", 0, "burst:" + "x".repeat(500) + ":");
            return (Long) n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Waits (bounded) for ferry's capture connection on a and kills it once; returns how many were killed. */
    private static long killSubscriber(ManagedSource m) {
        try (Jedis a = m.a.client(Duration.ofSeconds(5))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : a.clientList().split("\n")) {
                    // once subscribed (psub=1): a connection killed before is only subscribed again, no gap
                    if ((line.contains("-capture ") || line.matches(".*name=\\S*-capture\\s.*")) && line.contains(" psub=1 ")) {
                        String id = line.replaceAll("^id=(\\d+).*$", "$1");
                        return a.clientKill(new redis.clients.jedis.params.ClientKillParams().id(id));
                    }
                }
                Thread.sleep(5);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
