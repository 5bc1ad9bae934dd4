package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 14, first slice: a managed-like 7.0.15 source (replication and CONFIG renamed away) moved to 7.0.15 by
 * the logical sync that {@code sync: auto} picks, under 4 x 500 writes/s (a third by EVAL), with keys of every
 * type, with and without TTLs, in three databases; a hook switch. 0 acknowledged writes lost on b and c, and
 * every data key of every database the same on a and b (DUMP).
 */
class LogicalSyncIT {

    @Test
    void managedSourceMovesByLogicalSyncLosingNothing() {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Writers writers = m.startWriters();
            List<Double> lags = new CopyOnWriteArrayList<>();
            RunListener listener = new RunListener() {
                @Override
                public void lag(Map<String, Double> lagMillis) {
                    lags.add(lagMillis.getOrDefault("b", -1.0));
                }
            };
            RunResult result = new Runner(SpecLoader.load(m.spec("auto", "detach")),
                    new RunOptions(true, false, m.stateDir(), false, false, true), Confirmer.YES, listener,
                    SecretSource.system(), Clock.systemUTC()).run();
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(10));
            writers.stop();
            Rig.awaitReplicaCaughtUp(m.c, m.b);
            LossReport onB;
            LossReport onC;
            try (Jedis jb = m.b.client(Duration.ofSeconds(30)); Jedis jc = m.c.client(Duration.ofSeconds(30))) {
                onB = writers.checkLost(jb);
                onC = writers.checkLost(jc);
            }
            Map<String, Object> cutover = PauseCutoverIT.cutover(result);
            System.out.println("LogicalSyncIT: " + writers.stats().summary() + "; cutover " + cutover + "; lag samples "
                    + lags.size() + " (last " + (lags.isEmpty() ? "-" : lags.get(lags.size() - 1)) + " ms)");

            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(onB.checked()).as("acknowledged writes checked").isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
            assertThat(onC.lost()).as("lost on c: " + onC).isZero();
            assertThat(Roles.usedEval(m.a)).as("writers used EVAL on a").isTrue();
            assertThat(String.valueOf(cutover.get("fence"))).contains("CLIENT PAUSE").contains("WRITE");
            assertThat(lags).as("the capture's lag reached the listener").isNotEmpty();
            assertThat(differingDataKeys(m)).as("data keys that differ between a and b").isEmpty();
        }
    }

    /** Every key of the data set (not the writers', not ferry's) in every database, DUMP on a against b. */
    private static List<String> differingDataKeys(ManagedSource m) {
        List<String> differing = new ArrayList<>();
        long compared = 0;
        try (Jedis a = m.a.client(Duration.ofSeconds(30)); Jedis b = m.b.client(Duration.ofSeconds(30))) {
            for (int db : ManagedSource.DBS) {
                a.select(db);
                b.select(db);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = a.scan(cursor, new ScanParams().match("data:*").count(500));
                    for (String key : page.getResult()) {
                        byte[] onA = a.dump(key);
                        byte[] onB = b.dump(key);
                        long ttl = a.pttl(key);
                        boolean expiringNow = onB == null && ttl > 0 && ttl < 10_000; // a's expiry is paused, b's is not
                        if (!expiringNow && !Arrays.equals(onA, onB)) {
                            differing.add("db" + db + ":" + key);
                        }
                        compared++;
                    }
                    cursor = page.getCursor();
                } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            }
        }
        assertThat(compared).as("data keys compared").isGreaterThanOrEqualTo(ManagedSource.KEYS_PER_DB * ManagedSource.DBS.size() / 2);
        System.out.println("LogicalSyncIT: " + compared + " data keys compared a against b, " + differing.size() + " differ "
                + differing.stream().limit(5).toList());
        return differing;
    }

}
