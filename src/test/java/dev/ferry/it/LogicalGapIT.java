package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.run.RunResult;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.Writers;
import java.time.Duration;
import java.util.Map;
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
    void aDroppedSubscriberIsDetectedAndAnsweredByARescan() {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Writers writers = m.startWriters();
            AtomicLong killed = new AtomicLong();
            CopyWatch watch = new CopyWatch(w -> killed.set(killSubscriber(m)));
            RunResult result = m.run(m.spec("logical", "detach"), watch);
            LossReport onB = m.stopAndCheckB(writers);
            Map<String, Object> cutover = m.cutoverFacts();
            System.out.println("LogicalGapIT: killed " + killed.get() + " subscriber(s); warnings " + watch.warnings
                    + "; cutover " + cutover);

            assertThat(killed.get()).as("the subscriber was killed").isEqualTo(1);
            assertRescannedLosingNothing(m, result, watch, cutover, onB);
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
            AtomicLong burst = new AtomicLong();
            CopyWatch watch = new CopyWatch(w -> burst.set(burst(m)));
            RunResult result = m.run(m.spec("logical", "detach", 8_000), watch);
            LossReport onB = m.stopAndCheckB(writers);
            // 7.0 counts no such disconnections in INFO; its log names each one
            long overLimit = java.nio.file.Files.readAllLines(m.a.logFile()).stream()
                    .filter(l -> l.contains("closed ASAP for overcoming of output buffer limits") && l.contains("psub=1")).count();
            Map<String, Object> cutover = m.cutoverFacts();
            System.out.println("LogicalGapIT (buffer limit): burst of " + burst.get() + " keys; a disconnected " + overLimit
                    + " client(s) over their output-buffer limit; warnings " + watch.warnings + "; cutover " + cutover);

            assertThat(burst.get()).as("the burst ran").isPositive();
            assertThat(overLimit).as("a disconnected the subscriber over its limit").isPositive();
            assertRescannedLosingNothing(m, result, watch, cutover, onB);
        }
    }

    private static void assertRescannedLosingNothing(ManagedSource m, RunResult result, CopyWatch watch,
            Map<String, Object> cutover, LossReport onB) {
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(watch.warnings).anyMatch(w -> w.contains("rescanning a"));
        assertThat(((Number) cutover.get("rescans")).intValue()).isGreaterThanOrEqualTo(1);
        assertThat(String.valueOf(cutover.get("lastGap"))).contains("dropped");
        assertThat(onB.checked()).isPositive();
        assertThat(onB.lost()).as("lost on b: " + onB).isZero();
        assertThat(LogicalSyncIT.verifyFull(m)).as("ferry verify --full, a against b").isEqualTo("match");
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
