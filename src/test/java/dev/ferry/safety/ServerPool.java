package dev.ferry.safety;

import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Throwaway servers in every shape the bad-input table needs, started once, and a snapshot of everything ferry
 * could change on them (roles, configs it touches, keys per database, ACL users), to prove a refusal changed nothing.
 */
final class ServerPool implements AutoCloseable {
    static final String PASSWORD = "pool-secret-4711";
    static final String LIMITED_PASSWORD = "limited-secret-0815";
    /** Every config ferry sets somewhere, plus the ones an operator would miss if ferry left them changed. */
    private static final List<String> CONFIGS = List.of("min-replicas-to-write", "min-replicas-max-lag", "maxclients",
            "slave-read-only", "appendonly", "save", "client-output-buffer-limit", "repl-backlog-size", "maxmemory");

    private final Map<String, RedisServer> servers = new LinkedHashMap<>();
    private final Map<String, String> configCommand = new LinkedHashMap<>();
    private final Path dir;

    ServerPool(Path dir) {
        this.dir = dir;
    }

    RedisServer start(String name, RedisBinary bin, Map<String, String> config) {
        RedisServer server = RedisServer.start(bin, config);
        servers.put(name, server);
        configCommand.put(name, config.getOrDefault("rename-command", "CONFIG CONFIG").split(" ")[1]);
        return server;
    }

    RedisServer get(String name) {
        return servers.get(name);
    }

    /** "{ host: 127.0.0.1, port: N }" with extra keys inside the braces. */
    String endpoint(String name, String... extra) {
        RedisServer s = servers.get(name);
        StringBuilder sb = new StringBuilder("{ host: " + s.host() + ", port: " + s.port());
        for (String e : extra) {
            sb.append(", ").append(e);
        }
        return sb.append(" }").toString();
    }

    Path file(String name, String content) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, content, StandardCharsets.UTF_8);
            // password files: ferry refuses ones that group or others can read, as ssh does
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port nothing listens on (bound and released: nothing of ours will take it during a test). */
    static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void load(RedisServer server, int db, int keys) {
        try (Jedis j = server.client(Duration.ofSeconds(10))) {
            Dataset.loadInto(j, db, keys, 42);
        }
    }

    Map<String, String> snapshot() {
        Map<String, String> all = new LinkedHashMap<>();
        servers.forEach((name, server) -> snapshot(name, server).forEach((k, v) -> all.put(name + "." + k, v)));
        return all;
    }

    private Map<String, String> snapshot(String name, RedisServer server) {
        Map<String, String> state = new LinkedHashMap<>();
        try (Jedis j = server.client()) {
            Map<String, String> repl = info(j.info("replication"));
            state.put("role", repl.get("role"));
            state.put("master", repl.getOrDefault("master_host", "") + ":" + repl.getOrDefault("master_port", ""));
            state.put("run_id", info(j.info("server")).get("run_id"));
            // only key counts: avg_ttl moves on its own
            state.put("keyspace", info(j.info("keyspace")).toString().replaceAll(",expires=\\d+,avg_ttl=\\d+", ""));
            ProtocolCommand config = () -> SafeEncoder.encode(configCommand.get(name));
            for (String key : CONFIGS) {
                state.put(key, String.valueOf(j.sendCommand(config, "GET", key) instanceof List<?> l && l.size() == 2
                        ? SafeEncoder.encode((byte[]) l.get(1)) : null));
            }
            state.put("masterauth-set", String.valueOf(j.sendCommand(config, "GET", "masterauth") instanceof List<?> l
                    && l.size() == 2 && ((byte[]) l.get(1)).length > 0));
            if (server.binary().version().map(v -> !v.startsWith("3.") && !v.startsWith("4.") && !v.startsWith("5."))
                    .orElse(true)) {
                state.put("acl", String.valueOf(j.aclList()));
            }
        }
        return state;
    }

    private static Map<String, String> info(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    @Override
    public void close() {
        List<RedisServer> all = new ArrayList<>(servers.values());
        all.forEach(RedisServer::close);
    }
}
