package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A real redis-server process on a free loopback port, started from a config file in its own temp
 * directory (so CONFIG REWRITE works). Closing stops the process and deletes the directory.
 */
public final class RedisServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final int MAX_START_ATTEMPTS = 5;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int LOG_TAIL_BYTES = 3000;

    private final RedisBinary binary;
    private final int port;
    private final Path dir;
    private final Path configFile;
    private final Path logFile;
    private final String password;
    private final Process process;
    private boolean closed;

    private RedisServer(RedisBinary binary, Launch launch) {
        this.binary = binary;
        this.port = launch.port();
        this.dir = launch.dir();
        this.configFile = launch.configFile();
        this.logFile = launch.logFile();
        this.password = launch.password();
        this.process = launch.process();
    }

    public static RedisServer start(RedisBinary bin) {
        return start(bin, Map.of());
    }

    /**
     * Starts a server; {@code extraConfig} lines are written after (and replace) the defaults. Values
     * go into the file verbatim except the empty string, written as {@code ""}.
     */
    public static RedisServer start(RedisBinary bin, Map<String, String> extraConfig) {
        return start(bin, extraConfig, FreePorts::next);
    }

    /** As {@link #start(RedisBinary, Map)}, on a port from {@code ports} (asked again after a port clash). */
    static RedisServer start(RedisBinary bin, Map<String, String> extraConfig, IntSupplier ports) {
        Objects.requireNonNull(bin, "bin");
        if (!bin.isAvailable()) {
            throw new IllegalStateException("redis binary not available: " + bin);
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            Launch launch = Launch.begin(bin, ports.getAsInt(), extraConfig);
            try {
                StartupProbe.awaitReady(launch);
                LOG.debug("started {} on port {} pid {} in {}", bin.label(), launch.port(), launch.process().pid(),
                        launch.dir());
                return new RedisServer(bin, launch);
            } catch (PortTakenException e) {
                // Another process grabbed the port between our probe and the server's bind: try another.
                launch.abandon();
                last = e;
            } catch (RuntimeException e) {
                launch.abandon();
                throw e;
            }
        }
        throw new IllegalStateException("could not start " + bin.label() + " after " + MAX_START_ATTEMPTS
                + " port attempts", last);
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public HostAndPort hostAndPort() {
        return new HostAndPort(HOST, port);
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return configFile;
    }

    public Path logFile() {
        return logFile;
    }

    public RedisBinary binary() {
        return binary;
    }

    /** The requirepass given at start, or null. */
    public String password() {
        return password;
    }

    /** A new client (caller closes), authenticated when the server was started with requirepass. */
    public Jedis client() {
        return JedisClients.connect(hostAndPort(), password);
    }

    /** A new client with a custom socket/connect timeout. */
    public Jedis client(Duration timeout) {
        return JedisClients.connect(hostAndPort(), password, timeout);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL now (the process and any fork children) and wait until it is gone. */
    public void kill() {
        ProcessKiller.killTree(process.toHandle());
    }

    /** SIGTERM, wait up to 5 s, then SIGKILL. */
    public void stop() {
        if (!ProcessKiller.terminate(process.toHandle(), STOP_GRACE)) {
            LOG.warn("{} on port {} ignored SIGTERM for {}, killed", binary.label(), port, STOP_GRACE);
        }
    }

    /** Last few KB of redis.log, for assertion messages. */
    public String logTail() {
        return Files2.tail(logFile, LOG_TAIL_BYTES);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        ProcessReaper.unregister(process.pid());
        Files2.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return binary.label() + "@" + HOST + ":" + port + " pid " + process.pid();
    }

    /** Everything about one start attempt; abandon() undoes it completely. */
    record Launch(int port, Path dir, Path configFile, Path logFile, Path outFile, String password,
                  Process process) {

        static Launch begin(RedisBinary bin, int port, Map<String, String> extra) {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("ferry-redis-" + port + "-");
                Map<String, String> conf = config(port, dir, extra);
                Path configFile = dir.resolve("redis.conf");
                Files.writeString(configFile, render(conf), StandardCharsets.UTF_8);
                Path outFile = dir.resolve("stdout.log");
                Process p = new ProcessBuilder(bin.path().toString(), configFile.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(outFile.toFile())
                        .start();
                ProcessReaper.register(p.toHandle(), dir);
                return new Launch(port, dir, configFile, dir.resolve("redis.log"), outFile,
                        conf.get("requirepass"), p);
            } catch (IOException e) {
                Files2.deleteRecursively(dir);
                throw new UncheckedIOException("cannot launch " + bin, e);
            }
        }

        void abandon() {
            ProcessKiller.killTree(process.toHandle());
            ProcessReaper.unregister(process.pid());
            Files2.deleteRecursively(dir);
        }

        String diagnostics() {
            return "--- redis.log ---\n" + Files2.tail(logFile, LOG_TAIL_BYTES)
                    + "\n--- stdout ---\n" + Files2.tail(outFile, LOG_TAIL_BYTES);
        }

        private static Map<String, String> config(int port, Path dir, Map<String, String> extra) {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("port", Integer.toString(port));
            conf.put("bind", HOST);
            conf.put("daemonize", "no");
            conf.put("dir", quoteIfNeeded(dir.toAbsolutePath().toString()));
            // Absolute so the log stays put even if a test changes "dir" at runtime.
            conf.put("logfile", quoteIfNeeded(dir.resolve("redis.log").toAbsolutePath().toString()));
            conf.put("save", "");
            conf.put("appendonly", "no");
            // 7.x defaults to a 5 s wait before a diskless full sync; tests need syncs to start at once.
            conf.put("repl-diskless-sync-delay", "0");
            extra.forEach((k, v) -> conf.put(k.toLowerCase(Locale.ROOT), v));
            return conf;
        }

        private static String render(Map<String, String> conf) {
            StringBuilder sb = new StringBuilder("# written by ferry testkit\n");
            conf.forEach((k, v) -> sb.append(k).append(' ').append(v.isEmpty() ? "\"\"" : v).append('\n'));
            return sb.toString();
        }

        private static String quoteIfNeeded(String value) {
            return value.chars().anyMatch(Character::isWhitespace) ? '"' + value + '"' : value;
        }
    }
}
