package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.redis.RedisNode;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The logical copy's two paths on real servers: DUMP/RESTORE, and by type in chunks for a key over 1 MB, for every
 * key once b refuses a payload (7.0.15 toward 6.2.16), never where a refuses MEMORY (big keys dumped whole there).
 */
class KeyCopierIT {
    private static final List<String> KEYS = List.of("s", "l", "h", "z", "set", "x", "big");

    @Test
    void aKeyOverOneMegabyteIsCopiedByTypeTheRestByDump() {
        Map<String, Object> copied = copy(Map.of(), RedisBinary.system());
        assertThat(copied.get("byType")).isEqualTo(1L);
        assertThat(copied.get("typedBecause")).isNull();
    }

    @Test
    void whereARefusesMemoryBigKeysAreDumpedWhole() {
        Map<String, Object> copied = copy(Map.of("rename-command MEMORY", ""), RedisBinary.system());
        assertThat(copied.get("byType")).isEqualTo(0L);
    }

    @Test
    void anOlderBRefusingThePayloadGetsEveryKeyByType() {
        Map<String, Object> copied = copy(Map.of(), Binaries.require("6.2.16"));
        assertThat(copied.get("byType")).isEqualTo((long) KEYS.size());
        assertThat(String.valueOf(copied.get("typedBecause"))).contains("payload");
    }

    /** Loads one key of each type (and a big hash with a TTL) on a, copies them, checks b holds the same. */
    private static Map<String, Object> copy(Map<String, String> aConfig, RedisBinary target) {
        try (RedisServer sa = RedisServer.start(RedisBinary.system(), aConfig); RedisServer sb = RedisServer.start(target);
                RedisNode a = node("a", sa); RedisNode b = node("b", sb)) {
            try (Jedis j = sa.client(Duration.ofSeconds(30))) {
                j.set("s", "v");
                j.rpush("l", "1", "2", "3");
                j.hset("h", Map.of("f", "1", "g", "2"));
                j.zadd("z", 1.5, "m");
                j.sadd("set", "a", "b");
                j.xadd("x", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("f", "1"));
                var p = j.pipelined();
                for (int i = 0; i < 3_000; i++) {
                    p.hset("big", "field" + i, "v".repeat(500) + i);
                }
                p.sync();
                j.pexpire("big", 3_600_000);
            }
            List<String> warnings = new CopyOnWriteArrayList<>();
            List<byte[]> keys = new ArrayList<>();
            KEYS.forEach(k -> keys.add(k.getBytes(StandardCharsets.UTF_8)));
            try (KeyCopier copier = new KeyCopier(a, b, 0, warnings::add)) {
                copier.copy(0, keys);
                assertThat(copier.canonical(b, 0, keys)).isEqualTo(copier.canonical(a, 0, keys));
                try (Jedis jb = sb.client()) {
                    assertThat(jb.pttl("big")).isBetween(3_500_000L, 3_600_000L);
                }
                Map<String, Object> out = new java.util.HashMap<>();
                out.put("byType", copier.copiedByType());
                out.put("typedBecause", copier.typedBecause());
                return out;
            }
        }
    }

    private static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 10_000, Map.of());
    }
}
