package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Evictions reach b: a at its maxmemory (allkeys-lru) evicts keys as new ones come, each with an {@code evicted}
 * event and no other trace; the capture deletes them on b, which has no memory limit. Once the writes stop and the
 * capture has caught up, b holds exactly a's keys (ferry's full verify).
 */
class LogicalEvictionIT {

    @Test
    void keysEvictedOnAAreDeletedOnB() throws InterruptedException {
        Map<String, String> managed = Map.of("notify-keyspace-events", "KEA", "maxmemory", "8mb",
                "maxmemory-policy", "allkeys-lru");
        try (RedisServer sa = RedisServer.start(RedisBinary.system(), managed); RedisServer sb = RedisServer.start(RedisBinary.system());
                RedisNode a = node("a", sa); RedisNode b = node("b", sb)) {
            write(sa, 0, 3_000);
            try (LogicalSync sync = LogicalSync.start(a, b, "evict", RunListener.SILENT, 0)) {
                sync.awaitFullPass(Duration.ofMinutes(1), () -> false);
                write(sa, 3_000, 20_000); // about 20 MB more than a holds: most keys are evicted as the writes go
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!sync.caughtUp() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(sync.caughtUp()).as("the capture caught up").isTrue();
                long evicted;
                try (Jedis ja = sa.client()) {
                    evicted = Long.parseLong(ja.info("stats").replaceAll("(?s).*evicted_keys:(\\d+).*", "$1"));
                }
                PairResult p = new Verifier(VerifyOptions.full()).verify(List.of(List.of(a, b))).pairs().get(0);
                System.out.println("LogicalEvictionIT: a evicted " + evicted + " keys; " + sync.facts() + "; verify " + p.facts());
                assertThat(evicted).as("a evicted keys").isGreaterThan(1_000);
                assertThat(p.matches()).as("b holds exactly a's keys: " + p.facts()).isTrue();
            }
        }
    }

    /** Keys {@code from} .. {@code to} of 1 kB each, pipelined. */
    private static void write(RedisServer s, int from, int to) {
        try (Jedis j = s.client(Duration.ofSeconds(30))) {
            var p = j.pipelined();
            for (int i = from; i < to; i++) {
                p.set("k:" + i, "v".repeat(1000));
            }
            p.sync();
        }
    }

    private static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 10_000, Map.of());
    }
}
