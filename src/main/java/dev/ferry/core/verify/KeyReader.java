package dev.ferry.core.verify;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A read connection of verify: pipelines of byte-level commands, so that binary keys and values survive and a
 * thousand keys cost one round trip. Separate from the node's control connection because verify reads in
 * parallel with the run's own polling. Error replies stay in the reply list, as {@link JedisDataException}.
 */
final class KeyReader implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;
    /** Commands verify can do without: DUMP is only a fast path before the typed compare. */
    private static final Set<String> OPTIONAL = Set.of("DUMP");

    private final RedisNode node;
    private final OpsLimiter limiter;
    private final RespPipe connection;
    private int pending;
    /** Names of the commands sent and not yet answered, in order: to say which one a server refused. */
    private final ArrayDeque<String> unanswered = new ArrayDeque<>();
    /** Names as this server knows them (renamed commands), encoded once: verify sends millions of commands. */
    private final Map<String, byte[]> commands = new HashMap<>();
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
        connection.command(commands.computeIfAbsent(command, this::encoded), args);
        unanswered.add(command);
        pending++;
    }

    /** Writes the queued commands; returns how many replies {@link #receive} must read. */
    int send() {
        int n = pending;
        pending = 0;
        limiter.acquire(n);
        try {
            connection.flush();
        } catch (IOException e) {
            throw lost(e);
        }
        return n;
    }

    List<Object> receive(int n) {
        try {
            List<Object> replies = n == 0 ? List.of() : connection.read(n);
            for (Object reply : replies) {
                String command = unanswered.poll();
                if (reply instanceof JedisDataException e && !OPTIONAL.contains(command) && refusal(e)) {
                    throw refused(command, e);
                }
            }
            return replies;
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** A command this server does not know (renamed, disabled) or does not let ferry's user run. */
    private static boolean refusal(JedisDataException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith("ERR unknown command") || m.startsWith("NOPERM");
    }

    private FerryException refused(String command, JedisDataException e) {
        String sent = node.commandName(command);
        return new FerryException(ExitCode.CONNECTION, "could not verify: " + node + " refused " + command
                + (sent.equals(command) ? "" : " (sent as " + sent + ")") + ": " + e.getMessage()
                + ": map a renamed command under rename: in the spec, or let ferry's user run it");
    }

    List<Object> flush() {
        return receive(send());
    }

    private byte[] encoded(String command) {
        return node.commandName(command).getBytes(StandardCharsets.UTF_8);
    }

    private FerryException lost(IOException e) {
        return new FerryException(ExitCode.CONNECTION, "could not verify: lost the connection to " + node + ": "
                + e.getMessage() + ": check that the server runs, then verify again", e);
    }

    private static RespPipe open(RedisNode node, String nameSuffix) {
        try {
            return RespPipe.open(new HostAndPort(node.host(), node.port()),
                    node.clientConfig(RedisNode.CLIENT_NAME_PREFIX + "verify-" + nameSuffix, TIMEOUT_MILLIS));
        } catch (JedisConnectionException | JedisDataException | UncheckedIOException e) {
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
}
