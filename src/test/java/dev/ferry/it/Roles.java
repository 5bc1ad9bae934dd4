package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Live facts read straight from the servers, without ferry's code, so the tests judge ferry independently. */
final class Roles {
    /** Configs a fence touches: they must be back to their old values whenever ferry says a is unfenced. */
    static final List<String> FENCE_CONFIGS = List.of("maxclients", "min-slaves-to-write", "min-slaves-max-lag");

    private Roles() {
    }

    static String text(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "";
    }

    static long field(String info, String field) {
        String value = text(info, field);
        return value.isEmpty() ? -1 : Long.parseLong(value);
    }

    /** "master", or "replica of host:port". */
    static String role(RedisServer server) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            String info = j.info("replication");
            return "master".equals(text(info, "role")) ? "master"
                    : "replica of " + text(info, "master_host") + ":" + text(info, "master_port");
        }
    }

    static String replicaOf(RedisServer master) {
        return "replica of " + master.host() + ":" + master.port();
    }

    static Map<String, String> fenceConfigs(RedisServer server) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            for (String key : FENCE_CONFIGS) {
                out.put(key, j.configGet(key).values().stream().findFirst().orElse(""));
            }
        }
        return out;
    }

    /** Role, key count and fence configs of each server: equal snapshots mean nothing was changed. */
    static Map<String, String> snapshot(List<RedisServer> servers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RedisServer s : servers) {
            try (Jedis j = s.client(Duration.ofSeconds(5))) {
                out.put(s.port() + " role", role(s));
                out.put(s.port() + " dbsize", Long.toString(j.dbSize()));
                out.put(s.port() + " replica-read-only", String.valueOf(j.configGet("slave-read-only")));
            }
            fenceConfigs(s).forEach((k, v) -> out.put(s.port() + " " + k, v));
        }
        return out;
    }

    /** A plain write and a script write both succeed on the server, each within {@code limit}. */
    static void assertTakesWrites(RedisServer server, Duration limit) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            assertThat(j.set("probe:after-abort", "1")).isEqualTo("OK");
            assertThat(j.eval("return redis.call('SET', KEYS[1], '2')", 1, "probe:after-abort-eval").toString()).isEqualTo("OK");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a answered writes within").isLessThan(limit);
        }
    }

    /** Whether the server ran any EVAL: the writers' scripts must have been part of the load. */
    static boolean usedEval(RedisServer server) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return !text(j.info("commandstats"), "cmdstat_eval").isEmpty();
        }
    }

    static long stat(RedisServer server, String field) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return field(j.info("stats"), field);
        }
    }

    /**
     * Neither a plain write nor a script write is accepted: refused with an error, or at the door. EVAL matters:
     * before 6.2 {@code min-slaves-to-write} stops plain writes but not scripts.
     */
    static void assertRefusesWrites(RedisServer server) {
        String key = "probe:refused:" + System.nanoTime();
        assertThat(attempt(server, j -> j.set(key, "1"))).as("plain write").doesNotStartWith("OK");
        assertThat(attempt(server, j -> String.valueOf(j.eval("return redis.call('SET', KEYS[1], '1')", 1, key + ":eval"))))
                .as("script write").doesNotStartWith("OK");
    }

    private static String attempt(RedisServer server, Function<Jedis, String> write) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return write.apply(j);
        } catch (JedisException refused) {
            return "refused: " + refused.getMessage();
        }
    }
}
