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
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.Writers;
import java.time.Clock;
import java.time.Duration;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.testkit.RedisServer;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue 14, first slice: a managed-like 7.0.15 source (replication and CONFIG renamed away) moved to 7.0.15 (and
 * to Valkey 8.0.1) by
 * the logical sync that {@code sync: auto} picks, under 4 x 500 writes/s (a third by EVAL), with keys of every
 * type, with and without TTLs, in three databases; a hook switch. 0 acknowledged writes lost on b and c, and
 * ferry's full verify of a against b clean once the writers stopped (b's only extra keys: the writers' after the switch).
 */
class LogicalSyncIT {

    @Test
    void managedSourceMovesByLogicalSyncLosingNothing() {
        movesLosingNothing(RedisBinary.system());
    }

    /** Across the fork: a 7.0.15 DUMP payload (RDB 10) restored on Valkey 8.0.1. */
    @Test
    void managedSourceMovesToValkey() {
        movesLosingNothing(dev.ferry.testkit.Binaries.require("valkey-8.0.1"));
    }

    /**
     * Toward an older b: 6.2.16 refuses 7.0.15's DUMP payloads (RDB 10), so every key is copied by type; big keys
     * of each type (over KeyCopier's 1 MB) are copied in chunks.
     */
    @Test
    void managedSourceMovesToOlderRedisByTypedCopy() {
        Map<String, Object> cutover = movesLosingNothing(dev.ferry.testkit.Binaries.require("6.2.16"));
        assertThat(String.valueOf(cutover.get("typedBecause"))).contains("payload");
        assertThat(((Number) cutover.get("copiedByType")).longValue())
                .isGreaterThanOrEqualTo(ManagedSource.KEYS_PER_DB * ManagedSource.DBS.size());
    }

    private static Map<String, Object> movesLosingNothing(RedisBinary target) {
        try (ManagedSource m = ManagedSource.start("KEA", target)) {
            bigKeys(m);
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
            assertThat(verifyFull(m)).as("ferry verify --full, a against b").isEqualTo("match");
            return dev.ferry.core.journal.Journal.open(m.stateDir(), "managed", java.time.Clock.systemUTC()).facts("cutover");
        }
    }

    /** One key of each type over 1 MB in db 3 (copied in chunks), a stream with a deleted tail, a TTL on some. */
    private static void bigKeys(ManagedSource m) {
        try (Jedis a = m.a.client(Duration.ofSeconds(30))) {
            a.select(3);
            String filler = "x".repeat(200);
            a.set("big:string", "s".repeat(1_500_000));
            var p = a.pipelined();
            for (int i = 0; i < 6_000; i++) {
                p.rpush("big:list", filler + i);
                p.sadd("big:set", filler + i);
                p.zadd("big:zset", i * 0.5, filler + i);
                p.hset("big:hash", "f" + i, filler + i);
                p.xadd("big:stream", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("f", filler + i));
            }
            p.sync();
            a.pexpire("big:hash", 3_600_000);
            a.pexpire("big:string", 3_600_000);
            var last = a.xrevrange("big:stream", "+", "-", 1).get(0).getID();
            a.xdel("big:stream", last); // its last id stays ahead of its last entry
            a.xgroupCreate("big:stream", "readers", new redis.clients.jedis.StreamEntryID(1, 0), false);
            a.select(0);
        }
    }

    /** A full compare once the writers stopped: type, value and TTL of every key of a, on b (ferry's verify). */
    static String verifyFull(ManagedSource m) {
        try (RedisNode a = node("a", m.a); RedisNode b = node("b", m.b)) {
            PairResult p = new Verifier(VerifyOptions.full()).verify(List.of(List.of(a, b))).pairs().get(0);
            System.out.println("LogicalSyncIT: verify a -> b " + p.facts());
            assertThat(p.keys()).as("keys compared").isGreaterThanOrEqualTo(ManagedSource.KEYS_PER_DB * ManagedSource.DBS.size());
            // b took the writers' new keys after the switch: those are b's alone; anything else differing is a loss
            long writersKeysOnBOnly = p.shown().stream().filter(d -> String.valueOf(d).contains("managed-writer:")).count();
            boolean onlyNewOnB = p.perKind().keySet().stream().allMatch("missing-on-left"::equals)
                    && writersKeysOnBOnly == p.shown().size();
            return p.matches() || onlyNewOnB ? "match" : p.differences() + " differ " + p.perKind() + ", " + p.shown();
        }
    }

    private static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 30_000, Map.of());
    }
}
