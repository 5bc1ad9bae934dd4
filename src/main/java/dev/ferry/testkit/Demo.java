package dev.ferry.testkit;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A whole ferry run on throwaway servers: a, b and c on free loopback ports, a dataset on a, writers that
 * count every acknowledged write and follow a hook-driven "application endpoint", the real procedure, then
 * the writers' own count of what was lost on b and on c. Everything it starts is stopped by pid.
 */
public final class Demo implements AutoCloseable {
    /** The hook's timeout in the demo's spec, which the servers' backlog is sized for. */
    static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(5);

    private final DemoConfig config;
    private final List<RedisServer> servers = new ArrayList<>();
    private final Path workDir;
    /** The endpoint of the last complete line read: what the applications use while the hook rewrites the file. */
    private volatile HostAndPort lastEndpoint;
    private RedisServer a;
    private RedisServer b;
    private RedisServer c;
    private Writers writers;

    public Demo(DemoConfig config) {
        this.config = config;
        try {
            this.workDir = Files.createTempDirectory("ferry-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a, b, c and loads a's dataset. */
    public Demo start(Consumer<String> say) {
        a = track(RedisServer.start(config.sourceBinary(), config.serversConfig(SWITCH_TIMEOUT)));
        b = track(RedisServer.start(config.targetBinary(), config.serversConfig(SWITCH_TIMEOUT)));
        c = track(RedisServer.start(config.backupBinary(), config.serversConfig(SWITCH_TIMEOUT)));
        say.accept("started a=" + a + ", b=" + b + ", c=" + c);
        try (Jedis jedis = a.client(Duration.ofSeconds(30))) {
            DatasetSummary summary = Dataset.load(jedis, config.keys(), 42);
            say.accept("loaded " + summary.totalKeys() + " keys on a " + summary.keysPerType() + ", "
                    + summary.keysWithTtl() + " with a TTL");
        }
        writeEndpoint(a);
        return this;
    }

    private RedisServer track(RedisServer server) {
        servers.add(server);
        return server;
    }

    /** The spec the demo runs: a hook repoints the writers by rewriting the endpoint file they read. */
    public Path writeSpec() {
        return writeSpec("demo");
    }

    /** The same spec under another name: a fleet's pairs share one state directory, so each needs its own. */
    public Path writeSpec(String name) {
        Path hook = workDir.resolve("repoint.sh");
        Path spec = workDir.resolve(name + ".yaml");
        String yaml = String.join("\n",
                "name: " + name,
                "source: { host: " + a.host() + ", port: " + a.port() + " }",
                "target: { host: " + b.host() + ", port: " + b.port() + " }",
                "backup: { host: " + c.host() + ", port: " + c.port() + " }",
                "cutover: { mode: " + config.mode() + ", max-pause: " + config.maxPause().toMillis() + "ms, drain-watch: 5s }",
                "switch: { type: hook, command: [\"./repoint.sh\"], timeout: " + SWITCH_TIMEOUT.toMillis() + "ms }",
                "after: { source: " + config.after() + " }",
                "");
        try {
            // one write by a shell builtin (no mv to fork and exec, 2-3 ms of the pause); the applications take only a
            // complete line, so they never act on the file while it is being rewritten
            Files.writeString(hook, "#!/bin/sh\n# the demo's applications read their Redis address from ./endpoint\n"
                    + "printf '%s:%s\\n' \"$FERRY_TARGET_HOST\" \"$FERRY_TARGET_PORT\" > endpoint\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(spec, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spec;
    }

    private void writeEndpoint(RedisServer server) {
        try {
            Files.writeString(workDir.resolve("endpoint"), server.host() + ":" + server.port() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where the applications currently send their writes: the last complete line the hook wrote. The hook rewrites
     * the file in place, so a read between its truncation and its write finds no complete line, and the applications
     * keep the endpoint they had.
     */
    public HostAndPort endpoint() {
        try {
            String text = Files.readString(workDir.resolve("endpoint"), StandardCharsets.UTF_8);
            if (text.endsWith("\n")) {
                lastEndpoint = HostAndPort.from(text.trim());
            }
            return lastEndpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Writers startWriters() {
        writers = new Writers(Writers.Config.builder().writers(config.writers()).ratePerWriter(config.ratePerWriter())
                .evalShare(config.evalShare()).endpoint(this::endpoint).maxDuration(Duration.ofMinutes(10))
                .keyPrefix("demo-writer").build()).start();
        writers.awaitAcknowledged(config.writers() * 10L, Duration.ofSeconds(10));
        return writers;
    }

    /** The whole demo: servers, writers, ferry's run, the writers' verdict. */
    public DemoResult run(RunListener listener, Consumer<String> say) {
        start(say);
        Spec spec = SpecLoader.load(writeSpec());
        startWriters();
        say.accept("writers running: " + config.writers() + " x " + config.ratePerWriter() + " writes/s ("
                + Math.round(config.evalShare() * 100) + "% EVAL)");
        RunResult result = new Runner(spec, new RunOptions(true, false, workDir.resolve(".ferry"), false, "drain".equals(config.mode())), Confirmer.YES,
                listener, SecretSource.system(), Clock.systemUTC()).run();
        return finish(result, Journal.fileFor(workDir.resolve(".ferry"), spec.name()));
    }

    /**
     * The same servers, dataset and writers, but the cutover is done by {@code cutover} instead of ferry: the
     * benchmark's baselines (a bare FAILOVER, the seed procedure typed by hand).
     */
    public DemoResult runByHand(Consumer<Demo> cutover, Consumer<String> say) {
        start(say);
        writeSpec();
        startWriters();
        cutover.accept(this);
        return finish(new RunResult(dev.ferry.core.journal.RunStatus.COMPLETED, Map.of("status", "BY HAND")), null);
    }

    /** Points the writers (the demo's "applications") at another server, as the hook does. */
    public void repoint(RedisServer server) {
        writeEndpoint(server);
    }

    private DemoResult finish(RunResult result, Path journal) {
        sleepQuietly(config.writeAfter());
        return verdict(result, journal);
    }

    /** Stops the writers and asks them what b and c lack; a fleet waits its write-after once for all its pairs. */
    DemoResult verdict(RunResult result, Path journal) {
        writers.stop();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("writers", config.writers());
        setup.put("ratePerWriter", config.ratePerWriter());
        try (Jedis jb = b.client(Duration.ofSeconds(30)); Jedis jc = c.client(Duration.ofSeconds(30))) {
            return DemoVerdict.of(result, writers, jb, jc, setup, journal);
        }
    }

    static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public RedisServer a() {
        return a;
    }

    public RedisServer b() {
        return b;
    }

    public RedisServer c() {
        return c;
    }

    public Path workDir() {
        return workDir;
    }

    public Writers writers() {
        return writers;
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
        servers.forEach(RedisServer::close);
        Files2.deleteRecursively(workDir);
    }
}
