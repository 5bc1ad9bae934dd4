package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.run.RunResult;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.Writers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/**
 * Issue 14, what keyspace notifications do not carry: FLUSHDB and SWAPDB on a during the logical copy (no event
 * at all: ferry's per-database sentinels see them, and the databases are emptied on b and copied again), and
 * RENAME and MOVE (a pair of events: both keys copied again), under 4 x 500 writes/s. b ends equal to a (ferry's
 * full verify) and no acknowledged write is lost.
 */
class LogicalFlushIT {
    private static final int RENAMED = 100;
    private static final int MOVED = 50;

    @Test
    void flushSwapRenameAndMoveOnADuringTheCopyEndWithBEqualToA() throws InterruptedException {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Writers writers = m.startWriters();
            AtomicReference<String> mutated = new AtomicReference<>("not yet");
            CopyWatch watch = new CopyWatch(w -> mutated.set(mutate(m, w.copyDone)));
            // max-ops makes the copy last a few seconds, so that the changes land inside it
            RunResult result = m.run(m.spec("logical", "detach", 8_000), watch);
            LossReport onB = m.stopAndCheckB(writers);
            Map<String, Object> cutover = m.cutoverFacts();
            List<String> warnings = watch.warnings;
            System.out.println("LogicalFlushIT: " + mutated.get() + "; warnings " + warnings + "; cutover " + cutover);

            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(mutated.get()).as("the changes landed during the copy").startsWith("during the copy");
            assertThat(warnings).as("the flush was seen").anyMatch(w -> w.contains("db 3 was flushed"));
            assertThat(warnings).as("the swap was seen").anyMatch(w -> w.contains("SWAPDB") && w.contains("db 7"));
            assertThat(((Number) cutover.get("reconciles")).intValue()).isPositive();
            assertThat(onB.checked()).isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
            assertThat(LogicalSyncIT.verifyFull(m)).as("ferry verify --full, a against b").isEqualTo("match");
            try (Jedis ja = m.a.client(Duration.ofSeconds(5)); Jedis jb = m.b.client(Duration.ofSeconds(5))) {
                for (int db : List.of(3, 5, 7, 9)) { // db 0 on b also holds the writers' keys since the switch
                    ja.select(db);
                    jb.select(db);
                    assertThat(jb.dbSize()).as("db " + db + " size on b").isEqualTo(ja.dbSize());
                }
                ja.select(9);
                assertThat(ja.dbSize()).as("db 9 holds db 7's old keys").isGreaterThan(ManagedSource.KEYS_PER_DB);
            }
        }
    }

    /** FLUSHDB 3 (and new keys there), SWAPDB 7 9, RENAME and MOVE of db 0's dataset keys; says when it ran. */
    private static String mutate(ManagedSource m, AtomicBoolean copyDone) {
        try (Jedis a = m.a.client(Duration.ofSeconds(10))) {
            Thread.sleep(300);
            a.select(3);
            a.flushDB();
            Dataset.loadInto(a, 3, 200, 777);
            a.swapDB(7, 9);
            a.select(0);
            List<String> keys = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                var page = a.scan(cursor, new ScanParams().match(Dataset.KEY_PREFIX + ":*").count(200));
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (keys.size() < RENAMED + MOVED && !cursor.equals(ScanParams.SCAN_POINTER_START));
            for (String key : keys.subList(0, RENAMED)) {
                a.rename(key, "renamed:" + key);
            }
            for (String key : keys.subList(RENAMED, RENAMED + MOVED)) {
                a.move(key, 5);
            }
            return (copyDone.get() ? "after the copy" : "during the copy") + ": FLUSHDB 3, SWAPDB 7 9, " + RENAMED
                    + " RENAME, " + MOVED + " MOVE";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
