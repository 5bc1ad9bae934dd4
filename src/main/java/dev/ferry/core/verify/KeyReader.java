package dev.ferry.core.verify;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A read connection of verify: pipelines of byte-level commands, so that binary keys and values survive and a
 * thousand keys cost one round trip. Separate from the node's control connection because verify reads in
 * parallel with the run's own polling. Error replies stay in the reply list, as {@link JedisDataException}.
 */
final class KeyReader implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;
    /** Encoded once: verify sends millions of commands, and a name encoded per command shows in its CPU. */
    private static final Map<String, ProtocolCommand> COMMANDS = new ConcurrentHashMap<>();

    private final RedisNode node;
    private final OpsLimiter limiter;
    private final ReadConnection connection;
    private final List<CommandArguments> pending = new ArrayList<>();
    private int db;
    private RedisVersion version;

    KeyReader(RedisNode node, String nameSuffix, OpsLimiter limiter) {
        this.node = node;
        this.limiter = limiter;
        this.connection = open(node, nameSuffix);
    }

    String label() {
        return node.label();
    }

    /** Asked on this connection: the node's own connection belongs to another thread. */
    RedisVersion version() {
        if (version == null) {
            add("INFO", "server".getBytes(StandardCharsets.US_ASCII));
            Info server = Info.parse(Replies.text(flush().get(0)));
            version = RedisVersion.parse(server.get("redis_version", "0.0.0"), server.get("server_name", "redis"));
        }
        return version;
    }

    void select(int newDb) {
        if (newDb != db) {
            add("SELECT", Integer.toString(newDb).getBytes(StandardCharsets.US_ASCII));
            Object reply = flush().get(0);
            if (reply instanceof JedisDataException e) {
                throw new FerryException(ExitCode.CONNECTION, node + " cannot SELECT " + newDb + ": " + e.getMessage());
            }
            db = newDb;
        }
    }

    /** Queues a command; nothing is sent until {@link #send}. */
    void add(String command, byte[]... args) {
        CommandArguments arguments = new CommandArguments(COMMANDS.computeIfAbsent(command, KeyReader::encoded));
        for (byte[] arg : args) {
            arguments.add(arg);
        }
        pending.add(arguments);
    }

    int pendingCount() {
        return pending.size();
    }

    /** Writes the queued commands; returns how many replies {@link #receive} must read. */
    int send() {
        int n = pending.size();
        limiter.acquire(n);
        try {
            for (CommandArguments c : pending) {
                connection.sendCommand(c);
            }
            connection.flushNow();
        } catch (JedisConnectionException e) {
            throw lost(e);
        } finally {
            pending.clear();
        }
        return n;
    }

    List<Object> receive(int n) {
        try {
            return n == 0 ? List.of() : connection.getMany(n);
        } catch (JedisConnectionException e) {
            throw lost(e);
        }
    }

    List<Object> flush() {
        return receive(send());
    }

    private static ProtocolCommand encoded(String command) {
        byte[] raw = command.getBytes(StandardCharsets.US_ASCII);
        return () -> raw;
    }

    private FerryException lost(JedisConnectionException e) {
        return new FerryException(ExitCode.CONNECTION, "could not verify: lost the connection to " + node + ": "
                + e.getMessage() + ": check that the server runs, then verify again", e);
    }

    private static ReadConnection open(RedisNode node, String nameSuffix) {
        try {
            ReadConnection c = new ReadConnection(new HostAndPort(node.host(), node.port()),
                    node.clientConfig(RedisNode.CLIENT_NAME_PREFIX + "verify-" + nameSuffix, TIMEOUT_MILLIS));
            c.connect();
            c.ping();
            return c;
        } catch (JedisConnectionException | JedisDataException e) {
            throw new FerryException(ExitCode.CONNECTION, "could not verify: cannot connect to " + node + " ("
                    + nameSuffix + "): " + e.getMessage() + ": check that the server runs and the spec's auth", e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // broken already: nothing to release
        }
    }

    /** Jedis flushes only when it reads; verify sends to both servers first, so that they work in parallel. */
    private static final class ReadConnection extends Connection {
        ReadConnection(HostAndPort address, redis.clients.jedis.JedisClientConfig config) {
            super(address, config);
        }

        void flushNow() {
            flush();
        }
    }
}
