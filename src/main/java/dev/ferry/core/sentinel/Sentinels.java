package dev.ferry.core.sentinel;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.HostNames;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Sentinel;
import dev.ferry.core.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The Sentinels a spec lists under {@code sentinel: hosts}, one connection each, and what each of them knows
 * about the spec's {@code master-name}.
 */
public final class Sentinels implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 2000;

    private final String masterName;
    private final List<RedisNode> nodes;

    private Sentinels(String masterName, List<RedisNode> nodes) {
        this.masterName = masterName;
        this.nodes = nodes;
    }

    /** Logs in with {@code sentinel.auth} ({@link Servers#sentinelCredentials()}), not with the servers' auth. */
    public static Sentinels of(Spec spec, Servers servers) {
        Sentinel sentinel = spec.sentinel();
        List<RedisNode> nodes = new ArrayList<>();
        for (String address : sentinel.hosts()) {
            int colon = address.lastIndexOf(':');
            nodes.add(new RedisNode("sentinel " + address, address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1)), servers.sentinelCredentials(),
                    servers.clientName() + "-sentinel", TIMEOUT_MILLIS, Map.of()).withAuthKey("sentinel.auth"));
        }
        return new Sentinels(sentinel.masterName().orElse(""), nodes);
    }

    /** Runs {@code action} on every listed Sentinel; what it says, by Sentinel, for the journal. */
    public static Map<String, Object> forEach(RunContext ctx, BiFunction<Sentinels, RedisNode, String> action) {
        Map<String, Object> facts = new LinkedHashMap<>();
        try (Sentinels sentinels = of(ctx.spec(), ctx.servers())) {
            for (RedisNode sentinel : sentinels.nodes()) {
                facts.put(sentinel.label(), action.apply(sentinels, sentinel));
            }
        }
        return facts;
    }

    public String masterName() {
        return masterName;
    }

    public List<RedisNode> nodes() {
        return nodes;
    }

    public List<PlannedCommand> plan(String... commands) {
        List<PlannedCommand> planned = new ArrayList<>();
        for (RedisNode sentinel : nodes) {
            for (String command : commands) {
                planned.add(PlannedCommand.redis(sentinel.label(), command.replace("NAME", masterName), ""));
            }
        }
        return planned;
    }

    /** SENTINEL MASTER's fields (ip, port, quorum, ...), or empty when this Sentinel does not monitor the name. */
    public Optional<Map<String, String>> master(RedisNode sentinel) {
        Object reply;
        try {
            reply = sentinel.call("SENTINEL", "MASTER", masterName);
        } catch (RedisError e) {
            if (e.reply().contains("No such master")) {
                return Optional.empty();
            }
            throw e;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(RedisNode.asString(list.get(i)), RedisNode.asString(list.get(i + 1)));
            }
        }
        return Optional.of(fields);
    }

    public static boolean pointsAt(Map<String, String> master, RedisNode server) {
        return Integer.toString(server.port()).equals(master.get("port"))
                && HostNames.same(master.getOrDefault("ip", ""), server.host());
    }

    public static String address(Map<String, String> master) {
        return master.get("ip") + ":" + master.get("port");
    }

    @Override
    public void close() {
        nodes.forEach(RedisNode::close);
    }
}
