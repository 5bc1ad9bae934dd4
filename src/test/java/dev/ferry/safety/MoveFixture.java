package dev.ferry.safety;

import dev.ferry.core.journal.Journal;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * a, b and c on throwaway servers, a spec whose hook repoints "the applications" (writers reading ./endpoint),
 * and ways to run ferry in this JVM or as a separate process (for fail points, which halt the JVM).
 */
final class MoveFixture implements AutoCloseable {
    final RedisServer a;
    final RedisServer b;
    final RedisServer c;
    final Path dir;
    final Path spec;
    final Path state;
    private final String password;
    private Writers writers;

    MoveFixture(Path dir, RedisBinary bin, Map<String, String> config, String authLine) {
        this(dir, bin, bin, config, authLine);
    }

    /** a on one version, b and c on another (an upgrade). */
    MoveFixture(Path dir, RedisBinary aBin, RedisBinary bcBin, Map<String, String> config, String authLine) {
        this.dir = dir;
        this.a = RedisServer.start(aBin, config);
        this.b = RedisServer.start(bcBin, config);
        this.c = RedisServer.start(bcBin, config);
        this.password = config.get("requirepass");
        this.spec = dir.resolve("orders.yaml");
        this.state = dir.resolve("state");
        try (Jedis j = a.client(Duration.ofSeconds(10))) {
            Dataset.load(j, 2000, 7);
        }
        write(spec, "name: orders\nsource: { host: 127.0.0.1, port: " + a.port() + " }\ntarget: { host: 127.0.0.1, port: "
                + b.port() + " }\nbackup: { host: 127.0.0.1, port: " + c.port() + " }\n" + authLine
                + "cutover: { max-pause: 2s, drain-watch: 0s }\n"
                + "switch: { type: hook, command: [\"./repoint.sh\"], timeout: 5s }\n");
        writeHook(dir, "127.0.0.1:" + a.port());
    }

    /** ./repoint.sh, the hook that writes b's address to ./endpoint, where the writers look; it starts at {@code a}. */
    static void writeHook(Path dir, String a) {
        Path hook = dir.resolve("repoint.sh");
        write(hook, "#!/bin/sh\nprintf '%s:%s\\n' \"$FERRY_TARGET_HOST\" \"$FERRY_TARGET_PORT\" > endpoint.tmp"
                + " && mv endpoint.tmp endpoint\n");
        try {
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(dir.resolve("endpoint"), a + "\n");
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HostAndPort endpoint() {
        return endpointIn(dir);
    }

    /** Where the hook in {@code dir} points the applications now. */
    static HostAndPort endpointIn(Path dir) {
        try {
            return HostAndPort.from(Files.readString(dir.resolve("endpoint")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Writers startWriters() {
        return startWriters(null);
    }

    /** Writers over TLS through {@code ssl} (null: plain TCP). */
    Writers startWriters(SSLSocketFactory ssl) {
        writers = new Writers(Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(0.2)
                .endpoint(this::endpoint).password(password).ssl(ssl).maxDuration(Duration.ofMinutes(2)).build()).start();
        writers.awaitAcknowledged(500, Duration.ofSeconds(10));
        return writers;
    }

    Cli.Result ferry(String verb, String... more) {
        List<String> args = new ArrayList<>(List.of(verb, spec.toString(), "--state-dir", state.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /** ferry in its own JVM, from the packaged jar: a fail point halts that JVM, not the test's. */
    ProcessResult ferryProcess(Map<String, String> env, String verb, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "ferry.jar").toAbsolutePath().toString(), verb, spec.toString(),
                "--state-dir", state.toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("ferry.out").toFile()).redirectError(dir.resolve("ferry.err").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        // what ps shows while ferry runs, for ferry and every process it starts (the hook)
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
            p.toHandle().descendants().forEach(h -> seen.append(commandLine(h.pid())).append('\n'));
            seen.append(commandLine(p.pid())).append('\n');
            if (seen.length() > 1_000_000) {
                seen.setLength(0);
            }
        }
        argvSeen = seen.toString();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ferry did not finish within 120s");
        }
        return new ProcessResult(p.exitValue(), Files.readString(dir.resolve("ferry.out")),
                Files.readString(dir.resolve("ferry.err")));
    }

    record ProcessResult(int code, String out, String err) {
    }

    /** Every command line ferry and its children showed in /proc while the last ferryProcess ran. */
    String argvSeen = "";

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    Journal journal() {
        return Journal.open(state, "orders", Clock.systemUTC());
    }

    static String role(RedisServer s) {
        try (Jedis j = s.client()) {
            return j.info("replication").lines().filter(l -> l.startsWith("role:") || l.startsWith("master_port:"))
                    .map(String::strip).reduce((x, y) -> x + " " + y).orElse("");
        }
    }

    static String config(RedisServer s, String key) {
        try (Jedis j = s.client()) {
            return j.configGet(key).get(key);
        }
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
        a.close();
        b.close();
        c.close();
    }
}
