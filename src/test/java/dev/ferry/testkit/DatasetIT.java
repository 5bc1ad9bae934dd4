package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

class DatasetIT {

    @Test
    void loads100kKeysQuicklyOnApt() {
        try (RedisServer server = RedisServer.start(RedisBinary.system()); Jedis jedis = server.client()) {
            long t0 = System.nanoTime();
            DatasetSummary summary = Dataset.load(jedis, 100_000, 42);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(summary.totalKeys()).isEqualTo(100_000);
            assertThat(jedis.dbSize()).isEqualTo(summary.totalKeys());
            assertThat(summary.keysPerType()).containsOnlyKeys("string", "list", "hash", "set", "zset", "stream");
            assertThat(summary.keysPerType().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100_000);
            assertThat(summary.keysWithTtl()).isBetween(30_000L, 37_000L);
            assertThat(expires(jedis, 0)).isEqualTo(summary.keysWithTtl());
            assertThat(jedis.type("data:stream:5")).isEqualTo("stream");
            assertThat(jedis.type("data:hash:2")).isEqualTo("hash");
        }
    }

    @Test
    void loads1kKeysOn304WithoutStreams() {
        RedisBinary bin = Binaries.require("3.0.4");
        try (RedisServer server = RedisServer.start(bin); Jedis jedis = server.client()) {
            DatasetSummary summary = Dataset.load(jedis, 1_000, 7);
            assertThat(jedis.dbSize()).isEqualTo(summary.totalKeys()).isEqualTo(1_000);
            assertThat(summary.keysPerType()).doesNotContainKey("stream").hasSize(5);
            assertThat(summary.keysOfType("string")).isEqualTo(200);
            assertThat(expires(jedis, 0)).isEqualTo(summary.keysWithTtl());
            long ttl = jedis.ttl(firstKeyWithTtl(jedis));
            assertThat(ttl).isBetween(3000L, 7200L);
        }
    }

    @Test
    void loadsIntoAnotherDatabaseAndRestoresTheConnection() {
        RedisBinary bin = Binaries.require("5.0.14");
        try (RedisServer server = RedisServer.start(bin); Jedis jedis = server.client()) {
            Dataset.loadIntoDatabases(jedis, 3, 600, 1);
            assertThat(jedis.getDB()).isZero();
            assertThat(jedis.dbSize()).isZero();
            assertThat(InfoParser.field(jedis.info("keyspace"), "db3")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("keys=600,"));
            jedis.select(3);
            assertThat(jedis.type("data:stream:5")).isEqualTo("stream");
        }
    }

    @Test
    void sameSeedGivesSameContentAndReloadIsIdempotent() {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
             Jedis ja = a.client(); Jedis jb = b.client()) {
            Dataset.load(ja, 2_000, 99);
            Dataset.load(jb, 2_000, 99);
            Dataset.load(jb, 2_000, 99);
            assertThat(jb.dbSize()).isEqualTo(ja.dbSize()).isEqualTo(2_000);
            for (String key : new String[] {"data:string:0", "data:list:1", "data:hash:1992", "data:zset:1999"}) {
                assertThat(jb.dump(key)).as(key).isEqualTo(ja.dump(key));
            }
            // Not DUMP for sets: their encoding order follows each process's random hash seed.
            assertThat(jb.smembers("data:set:3")).isEqualTo(ja.smembers("data:set:3"));
        }
    }

    private static long expires(Jedis jedis, int db) {
        String line = InfoParser.field(jedis.info("keyspace"), "db" + db).orElse("expires=0");
        for (String part : line.split(",")) {
            if (part.startsWith("expires=")) {
                return Long.parseLong(part.substring("expires=".length()));
            }
        }
        return 0;
    }

    private static String firstKeyWithTtl(Jedis jedis) {
        for (int n = 0; n < 100; n++) {
            String key = Dataset.key(Dataset.KeyType.values()[n % 5], n);
            if (jedis.ttl(key) > 0) {
                return key;
            }
        }
        throw new AssertionError("no key with TTL among the first 100");
    }
}
