package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * FLUSHALL on a once b holds a copy (no event at all): every database's sentinel is gone, each is emptied on b and
 * copied again; keys written after the flush survive it. Then SWAPDB of a database with an empty one. b ends
 * equal to a each time (ferry's full verify).
 */
class LogicalFlushAllIT {

    @Test
    void flushAllThenSwapDbEndWithBEqualToA() throws InterruptedException {
        try (RedisServer sa = RedisServer.start(RedisBinary.system(), Map.of("notify-keyspace-events", "KEA"));
                RedisServer sb = RedisServer.start(RedisBinary.system());
                RedisNode a = node("a", sa); RedisNode b = node("b", sb)) {
            try (Jedis j = sa.client(Duration.ofSeconds(30))) {
                for (int db : List.of(0, 2, 5)) {
                    Dataset.loadInto(j, db, 1_000, db);
                }
            }
            List<String> warnings = new CopyOnWriteArrayList<>();
            RunListener listener = new RunListener() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }
            };
            try (LogicalSync sync = LogicalSync.start(a, b, "flushall", listener, 0); Jedis j = sa.client()) {
                sync.awaitFullPass(Duration.ofMinutes(1), () -> false);
                j.flushAll();
                j.select(2);
                Dataset.loadInto(j, 2, 300, 99);
                awaitReconciled(sync, warnings, "every database was flushed (FLUSHALL on a)");
                assertThat(verify(a, b)).isEqualTo("match");
                assertThat(b.totalKeys()).as("the 300 keys written after the flush, and the sentinels")
                        .isLessThan(400).isGreaterThanOrEqualTo(300);

                Dataset.loadInto(j, 5, 500, 7);
                j.swapDB(5, 9);
                awaitReconciled(sync, warnings, "db 9 holds db 5's keys");
                assertThat(verify(a, b)).isEqualTo("match");
                System.out.println("LogicalFlushAllIT: " + warnings + "; " + sync.facts());
            }
        }
    }

    /** Waits (bounded) for the warning naming {@code what}, then for the capture to catch up. */
    private static void awaitReconciled(LogicalSync sync, List<String> warnings, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !(warnings.stream().anyMatch(w -> w.contains(what)) && sync.caughtUp())) {
            Thread.sleep(10);
        }
        assertThat(warnings).anyMatch(w -> w.contains(what));
        assertThat(sync.caughtUp()).isTrue();
    }

    private static String verify(RedisNode a, RedisNode b) {
        PairResult p = new Verifier(VerifyOptions.full()).verify(List.of(List.of(a, b))).pairs().get(0);
        return p.matches() ? "match" : p.facts().toString();
    }

    private static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 10_000, Map.of());
    }
}
