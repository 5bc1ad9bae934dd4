package dev.ferry.core.redis;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spec.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One of the servers of a run (a, b or c) and ferry's single control connection to it. Every command ferry
 * sends goes through here, so that version differences (SLAVEOF/REPLICAOF, slave-/replica- configs) and
 * renamed commands are handled in one place, and so that errors become operator messages without secrets.
 * A cluster move's shards share one node object per address across threads ({@code parallel > 1}), so a
 * command and its reply hold the connection alone (else one thread reads another's reply).
 */
public final class RedisNode implements AutoCloseable {
    /** ferry names its connections so that a second run, and the drain watch, can tell them apart. */
    public static final String CLIENT_NAME_PREFIX = "ferry-";

    private final String label;
    private final String host;
    private final int port;
    private final Optional<Credentials> credentials;
    private final String clientName;
    private final int timeoutMillis;
    private final Map<String, String> renames;
    private final Optional<SSLSocketFactory> tls;
    private final String authKey;
    private Connection connection;
    private RedisVersion version;

    /** Who sees every command sent (tests that hold a run's commands against its plan); nobody by default. */
    private static volatile CommandRecorder recorder;

    /**
     * Hears every command a {@link RedisNode} sends, as sent (MONITOR would not show CONFIG SET, CLIENT PAUSE or
     * REPLICAOF). The connection's own login is not a command of ferry's and is not heard: no secret passes here
     * but a masterauth value, which a recorder must not keep.
     */
    public interface CommandRecorder {
        void sent(String label, String clientName, List<String> command);
    }

    /** Installs {@code r} until the returned handle is closed. One at a time: for tests. */
    public static AutoCloseable recordEverySend(CommandRecorder r) {
        recorder = r;
        return () -> recorder = null;
    }

    private void recordSent(String command, List<String> args) {
        CommandRecorder r = recorder;
        if (r != null) {
            List<String> sent = new ArrayList<>(args.size() + 1);
            sent.add(command);
            sent.addAll(args);
            r.sent(label, clientName, List.copyOf(sent));
        }
    }

    public RedisNode(String label, String host, int port, Optional<Credentials> credentials, String clientName,
            int timeoutMillis, Map<String, String> renames) {
        this(label, host, port, credentials, clientName, timeoutMillis, renames, Optional.empty());
    }

    /** A node spoken to over TLS when {@code tls} is present (see {@link TlsSockets}). */
    public RedisNode(String label, String host, int port, Optional<Credentials> credentials, String clientName,
            int timeoutMillis, Map<String, String> renames, Optional<SSLSocketFactory> tls) {
        this(label, host, port, credentials, clientName, timeoutMillis, renames, tls, "auth");
    }

    private RedisNode(String label, String host, int port, Optional<Credentials> credentials, String clientName,
            int timeoutMillis, Map<String, String> renames, Optional<SSLSocketFactory> tls, String authKey) {
        this.authKey = authKey;
        this.tls = tls;
        this.label = label;
        this.host = host;
        this.port = port;
        this.credentials = credentials;
        this.clientName = clientName;
        this.timeoutMillis = timeoutMillis;
        this.renames = Map.copyOf(renames);
    }

    public String label() {
        return label;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The CLIENT SETNAME this node's connections carry (ferry's own connections start with it). */
    public String clientName() {
        return clientName;
    }

    public String address() {
        return host + ":" + port;
    }

    public Optional<Credentials> credentials() {
        return credentials;
    }

    /** The TLS socket factory ferry uses for this server, empty for plain TCP. */
    public Optional<SSLSocketFactory> tls() {
        return tls;
    }

    /** A new node to the same server with its own connection (for pollers that must not share one). */
    public RedisNode sibling(String nameSuffix) {
        return withTimeout(nameSuffix, timeoutMillis);
    }

    /** A sibling whose every command gives up after {@code millis}: for polling inside the cutover window. */
    public RedisNode withTimeout(String nameSuffix, int millis) {
        return new RedisNode(label, host, port, credentials, clientName + "-" + nameSuffix, millis, renames, tls,
                authKey);
    }

    /**
     * The same node, but a refused login names {@code key} as the spec key to fix (e.g. {@code sentinel.auth}) instead
     * of the servers' {@code auth}.
     */
    public RedisNode withAuthKey(String key) {
        return new RedisNode(label, host, port, credentials, clientName, timeoutMillis, renames, tls, key);
    }

    // ---- raw commands -------------------------------------------------------------------------------

    /** Sends one command and returns Jedis's raw reply (byte[], Long, List, or null). */
    public synchronized Object call(String command, String... args) {
        CommandArguments arguments = new CommandArguments(() -> commandName(command).getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            arguments.add(arg);
        }
        recordSent(command, List.of(args));
        try {
            return flatten(connection().executeCommand(arguments));
        } catch (JedisConnectionException e) {
            closeQuietly();
            throw unreachable(e);
        } catch (JedisDataException e) {
            throw new RedisError(label, command, e.getMessage());
        }
    }

    /** Jedis turns some array replies (CONFIG GET) into key-value pairs; ferry wants the plain array. */
    private static Object flatten(Object reply) {
        if (!(reply instanceof List<?> list)) {
            return reply;
        }
        List<Object> flat = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o instanceof redis.clients.jedis.util.KeyValue<?, ?> kv) {
                flat.add(flatten(kv.getKey()));
                flat.add(flatten(kv.getValue()));
            } else {
                flat.add(flatten(o));
            }
        }
        return flat;
    }

    public String callString(String command, String... args) {
        return asString(call(command, args));
    }

    public long callLong(String command, String... args) {
        Object reply = call(command, args);
        return reply instanceof Long l ? l : Long.parseLong(asString(reply));
    }

    /**
     * MULTI ... EXEC in one round trip, so nothing of anyone else's runs between the commands. Returns EXEC's
     * replies; a command that failed inside the transaction fails the whole call with its error.
     */
    public synchronized List<Object> transaction(List<List<String>> commands) {
        Connection c = connection();
        recordSent("MULTI", List.of());
        commands.forEach(command -> recordSent(command.get(0), command.subList(1, command.size())));
        recordSent("EXEC", List.of());
        try {
            c.sendCommand(args("MULTI", List.of()));
            for (List<String> command : commands) {
                c.sendCommand(args(command.get(0), command.subList(1, command.size())));
            }
            c.sendCommand(args("EXEC", List.of()));
            List<Object> queued = c.getMany(commands.size() + 1);
            return execReplies(commands, queued, execReply(c));
        } catch (JedisConnectionException e) {
            closeQuietly();
            throw unreachable(e);
        }
    }

    /**
     * EXEC's reply; an EXECABORT (a command refused while queued, e.g. CLUSTERDOWN or MOVED in a cluster) is kept as
     * the reply so that execReplies names the queued command that was refused, not a bare Jedis exception.
     */
    private static Object execReply(Connection c) {
        try {
            return c.getOne();
        } catch (JedisDataException aborted) {
            return aborted;
        }
    }

    private List<Object> execReplies(List<List<String>> commands, List<Object> queued, Object exec) {
        for (int i = 0; i < queued.size(); i++) {
            if (queued.get(i) instanceof JedisDataException e) {
                String what = i == 0 ? "MULTI" : commands.get(i - 1).get(0);
                throw new RedisError(label, what, e.getMessage());
            }
        }
        if (!(exec instanceof List<?> replies)) {
            throw new RedisError(label, "EXEC", "transaction was discarded");
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            Object r = replies.get(i);
            if (r instanceof JedisDataException e) {
                throw new RedisError(label, commands.get(i).get(0), e.getMessage());
            }
            out.add(r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r);
        }
        return out;
    }

    private CommandArguments args(String command, List<String> rest) {
        CommandArguments arguments = new CommandArguments(() -> commandName(command).getBytes(StandardCharsets.UTF_8));
        rest.forEach(arguments::add);
        return arguments;
    }

    /** A renamed command (rename-command in redis.conf) is sent under its new name. */
    public String commandName(String command) {
        return renames.getOrDefault(command.toUpperCase(java.util.Locale.ROOT), command);
    }

    // ---- typed helpers ------------------------------------------------------------------------------

    public Info info(String section) {
        return Info.parse(callString("INFO", section));
    }

    public Info infoAll() {
        return Info.parse(callString("INFO", "all"));
    }

    public RedisVersion version() {
        if (version == null) {
            Info server = info("server");
            String fork = server.get("valkey_version", "");
            // Valkey reports the Redis line it is compatible with as redis_version, its own version beside it
            String flavour = server.get("server_name", "redis") + (fork.isEmpty() ? "" : " " + fork);
            version = RedisVersion.parse(server.get("redis_version", "0.0.0"), flavour);
        }
        return version;
    }

    public String runId() {
        return info("server").get("run_id", "");
    }

    public ReplicationState replication() {
        return ReplicationState.of(info("replication"));
    }

    public long totalKeys() {
        return info("keyspace").totalKeys();
    }

    /** CONFIG GET of a modern name, translated for old servers; empty when the server has no such option. */
    public Optional<String> configGet(String modernName) {
        Object reply = call("CONFIG", "GET", version().configName(modernName));
        if (reply instanceof List<?> list && list.size() >= 2) {
            return Optional.of(asString(list.get(1)));
        }
        return Optional.empty();
    }

    public void configSet(String modernName, String value) {
        callString("CONFIG", "SET", version().configName(modernName), value);
    }

    public void replicaOf(String masterHost, int masterPort) {
        callString(version().replicaOfCommand(), masterHost, Integer.toString(masterPort));
    }

    public void promote() {
        callString(version().replicaOfCommand(), "NO", "ONE");
    }

    public List<ClientInfo> clients() {
        List<ClientInfo> clients = new ArrayList<>();
        for (String line : callString("CLIENT", "LIST").split("\n")) {
            if (!line.isBlank()) {
                clients.add(ClientInfo.parse(line));
            }
        }
        return clients;
    }

    /** Closes every normal and pub/sub client but this connection, so they reconnect wherever traffic now goes. */
    public long killApplicationClients() {
        return callLong("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
                + callLong("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes");
    }

    public boolean ping() {
        return "PONG".equals(callString("PING"));
    }

    // ---- connection ---------------------------------------------------------------------------------

    private Connection connection() {
        if (connection == null || !connection.isConnected() || connection.isBroken()) {
            connection = open();
        }
        return connection;
    }

    /**
     * How every connection of ferry's to this server is made (credentials, TLS, no CLIENT SETINFO, RESP2), for
     * those that need their own (verify's readers).
     */
    public DefaultJedisClientConfig clientConfig(String name, int timeout) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .autoNegotiateProtocol(false)
                .clientName(name);
        credentials.ifPresent(c -> {
            c.username().ifPresent(config::user);
            config.password(c.password());
        });
        tls.ifPresent(factory -> config.ssl(true).sslSocketFactory(factory));
        return config.build();
    }

    private Connection open() {
        try {
            Connection c = new Connection(new HostAndPort(host, port), clientConfig(clientName, timeoutMillis));
            c.connect();
            c.ping();
            return c;
        } catch (JedisConnectionException e) {
            // only a new connection can fail for TLS reasons; a dropped one is a server gone
            throw TlsErrors.explain(e, tls.isPresent())
                    .map(problem -> new FerryException(ExitCode.CONNECTION, label + " (" + address() + "): " + problem))
                    .orElseGet(() -> unreachable(e));
        } catch (JedisDataException e) {
            throw refused(e);
        }
    }

    private FerryException unreachable(JedisConnectionException e) {
        if (e.getCause() instanceof JedisDataException d) {
            return refused(d);
        }
        String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        why = why.endsWith(".") ? why.substring(0, why.length() - 1) : why; // the message goes on after it
        return new FerryException(ExitCode.CONNECTION, String.format(
                "cannot reach %s (%s): %s: check that the server runs and that host and port in the spec are right",
                label, address(), why));
    }

    private FerryException refused(JedisDataException e) {
        String msg = String.valueOf(e.getMessage());
        String fix = msg.contains("NOAUTH") || msg.contains("Authentication required")
                ? "the server requires a password: add " + authKey + ": { password-env: NAME } to the spec"
                : msg.contains("WRONGPASS") || msg.contains("invalid password") || msg.contains("invalid username")
                        ? "the username or password is wrong: check the variable or file named in " + authKey + ":"
                        : msg.contains("no password is set") || msg.contains("without any password")
                                ? "the server has no password: remove " + authKey + ": from the spec"
                                : msg.contains("wrong number of arguments for 'auth'")
                                        ? "the server is older than 6.0 and has no ACL users: drop " + authKey
                                                + ".username for it"
                                        : "check the server's log";
        return new FerryException(ExitCode.CONNECTION,
                String.format("%s (%s) refused the connection: %s: %s", label, address(), firstLine(msg), fix));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private synchronized void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // already broken: nothing left to release
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    public static String asString(Object reply) {
        if (reply == null) {
            return null;
        }
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply.toString();
    }

    @Override
    public String toString() {
        return label + " (" + address() + ")";
    }
}
