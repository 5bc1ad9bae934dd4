package dev.ferry.core.sync;

import dev.ferry.core.redis.RedisNode;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

/**
 * The logical sync's own connections (a copy connection per database, the change feed): logged in as every ferry
 * connection is ({@link RedisNode#clientConfig}), renamed commands sent under their new names, binary-safe.
 */
final class RawConnections {
    private RawConnections() {
    }

    static Connection open(RedisNode node, String suffix, int timeoutMillis, int db) {
        Connection c = new Connection(new HostAndPort(node.host(), node.port()),
                node.clientConfig(node.clientName() + "-" + suffix, timeoutMillis));
        c.connect();
        if (db != 0) {
            c.sendCommand(command(node, "SELECT", String.valueOf(db)));
            c.getStatusCodeReply();
        }
        return c;
    }

    /** One command; arguments are byte[] (keys, payloads) or anything whose toString is the argument. */
    static CommandArguments command(RedisNode node, String name, Object... args) {
        CommandArguments arguments = new CommandArguments(() -> node.commandName(name).getBytes(StandardCharsets.UTF_8));
        for (Object arg : args) {
            arguments.add(arg instanceof byte[] bytes ? bytes : String.valueOf(arg));
        }
        return arguments;
    }
}
