package dev.ferry.core.preflight;

import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Whether a publishes the keyspace notifications the logical capture needs ({@code notify-keyspace-events} with
 * K and every class: {@value SyncChecks#NOTIFY_VALUE}). Read with CONFIG GET where a allows it; where CONFIG is
 * refused, observed: ferry subscribes to its own probe key and writes, then deletes, one key of each type there
 * (the only writes of the preflight, to a key only ferry uses, gone afterwards). Expired and evicted events
 * cannot be observed that way without waiting or evicting: there they are assumed to come with the others.
 */
final class NotificationProbe {
    /** The event classes of 'A' in Redis 7.0: generic, string, list, set, hash, zset, expired, evicted, stream. */
    private static final String CLASSES = "g$lshzxet";
    private static final String FIX = "set notify-keyspace-events to " + SyncChecks.NOTIFY_VALUE
            + " through the provider's parameter group (ElastiCache: a custom parameter group; self-hosted: redis.conf)";
    private static final int WAIT_MILLIS = 1000;

    private NotificationProbe() {
    }

    static CheckResult check(RedisNode a, String specName) {
        Optional<String> configured = configured(a);
        if (configured.isPresent()) {
            List<String> missing = missing(configured.get());
            return missing.isEmpty() ? pass("notify-keyspace-events is '" + configured.get() + "'")
                    : fail("a's notify-keyspace-events is '" + configured.get() + "', missing " + String.join(", ", missing));
        }
        List<String> missing = observe(a, "ferry:probe:" + specName);
        return missing.isEmpty() ? pass("observed every event class on a probe key (CONFIG is refused)")
                : fail("a publishes no keyspace event for " + String.join(", ", missing) + " (CONFIG is refused: observed on a probe key)");
    }

    private static CheckResult pass(String detail) {
        return CheckResult.pass("keyspace notifications", detail);
    }

    private static CheckResult fail(String detail) {
        return CheckResult.fail("keyspace notifications", detail + ": the logical capture would miss changes", FIX);
    }

    private static Optional<String> configured(RedisNode a) {
        try {
            return a.configGet("notify-keyspace-events");
        } catch (RedisError refused) {
            return Optional.empty();
        }
    }

    /** What a configured value lacks: K (keyspace channels) and each class, 'A' standing for all of them. */
    static List<String> missing(String value) {
        List<String> missing = new ArrayList<>();
        if (!value.contains("K")) {
            missing.add("K (keyspace channels)");
        }
        String classes = value.contains("A") ? CLASSES : value;
        for (char c : CLASSES.toCharArray()) {
            if (classes.indexOf(c) < 0) {
                missing.add(String.valueOf(c));
            }
        }
        return missing;
    }

    /** Writes one key of each class on a and returns the classes whose event never came. */
    private static List<String> observe(RedisNode a, String key) {
        List<String[]> writes = List.of(
                new String[] {"$", "SET", key, "1"}, new String[] {"g", "DEL", key},
                new String[] {"l", "RPUSH", key, "1"}, new String[] {"g", "DEL", key},
                new String[] {"s", "SADD", key, "1"}, new String[] {"g", "DEL", key},
                new String[] {"h", "HSET", key, "f", "1"}, new String[] {"g", "DEL", key},
                new String[] {"z", "ZADD", key, "1", "m"}, new String[] {"g", "DEL", key},
                new String[] {"t", "XADD", key, "*", "f", "1"}, new String[] {"g", "DEL", key});
        String channel = "__keyspace@0__:" + key;
        try (Connection sub = new Connection(new HostAndPort(a.host(), a.port()), a.clientConfig(a.clientName() + "-notify-probe", WAIT_MILLIS))) {
            sub.connect();
            sub.sendCommand(args(a, "SUBSCRIBE", channel));
            sub.getObjectMultiBulkReply(); // flushes the SUBSCRIBE, then reads its confirmation
            List<String> missing = new ArrayList<>();
            for (String[] w : writes) {
                a.call(w[1], java.util.Arrays.copyOfRange(w, 2, w.length));
                if (!received(sub, w[1].toLowerCase(Locale.ROOT))) {
                    missing.add(w[0] + " (" + w[1] + ")");
                    break; // no event at all: the rest would only wait out their timeouts
                }
            }
            return missing;
        } finally {
            a.call("DEL", key);
        }
    }

    private static boolean received(Connection sub, String event) {
        try {
            List<Object> message = sub.getUnflushedObjectMultiBulkReply();
            String got = new String((byte[]) message.get(2), StandardCharsets.UTF_8);
            return got.equals(event);
        } catch (JedisConnectionException timeout) {
            return false;
        }
    }

    private static CommandArguments args(RedisNode a, String command, String... rest) {
        CommandArguments arguments = new CommandArguments(() -> a.commandName(command).getBytes(StandardCharsets.UTF_8));
        for (String r : rest) {
            arguments.add(r);
        }
        return arguments;
    }
}
