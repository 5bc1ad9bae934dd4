package dev.ferry.it;

import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Issue 14's managed-like source: a real redis-server whose SYNC, PSYNC, REPLICAOF, SLAVEOF, CONFIG, DEBUG, BGSAVE,
 * SAVE and MIGRATE are renamed away ({@code rename-command X ""}, as providers do), with
 * {@code notify-keyspace-events} on its command line; b and c plain servers; keys of every core type in three
 * databases; a hook that repoints the writers (an endpoint file, as the demo's) and a spec of the logical sync.
 */
final class ManagedSource implements AutoCloseable {
    static final List<String> REFUSED = List.of("SYNC", "PSYNC", "REPLICAOF", "SLAVEOF", "CONFIG", "DEBUG", "BGSAVE",
            "SAVE", "MIGRATE");
    static final int KEYS_PER_DB = 1_500;
    static final List<Integer> DBS = List.of(0, 3, 7);

    final Path dir;
    final RedisServer a;
    final RedisServer b;
    final RedisServer c;
    private final List<RedisServer> servers = new ArrayList<>();
    private Writers writers;

    private ManagedSource(String notifications, RedisBinary target, Map<String, String> extraOnA) throws IOException {
        dir = Files.createTempDirectory("ferry-managed-");
        Map<String, String> managed = new LinkedHashMap<>();
        REFUSED.forEach(command -> managed.put("rename-command " + command, ""));
        managed.put("notify-keyspace-events", notifications);
        managed.putAll(extraOnA);
        a = track(RedisServer.start(RedisBinary.system(), managed));
        b = track(RedisServer.start(target));
        c = track(RedisServer.start(target));
        try (Jedis jedis = a.client(Duration.ofSeconds(30))) {
            for (int db : DBS) {
                Dataset.loadInto(jedis, db, KEYS_PER_DB, 42 + db);
            }
        }
        Files.writeString(dir.resolve("endpoint"), a.host() + ":" + a.port() + "\n");
        Path hook = dir.resolve("repoint.sh");
        Files.writeString(hook, "#!/bin/sh\nprintf '%s:%s\\n' \"$FERRY_TARGET_HOST\" \"$FERRY_TARGET_PORT\" > endpoint.tmp"
                + " && mv endpoint.tmp endpoint\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static ManagedSource start(String notifications) {
        return start(notifications, RedisBinary.system());
    }

    /** b and c run {@code target}; a is always the system's 7.0.15, managed-like. */
    static ManagedSource start(String notifications, RedisBinary target) {
        return start(notifications, target, Map.of());
    }

    /** The same, with more config lines on a (e.g. a tiny pubsub output-buffer limit). */
    static ManagedSource start(String notifications, RedisBinary target, Map<String, String> extraOnA) {
        try {
            return new ManagedSource(notifications, target, extraOnA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RedisServer track(RedisServer server) {
        servers.add(server);
        return server;
    }

    /** The spec: logical sync (or {@code method}), pause cutover, hook switch, a detached afterwards. */
    Path spec(String method, String after) {
        return spec(method, after, 0);
    }

    /** The same, the logical copy limited to {@code maxOps} commands a second (0: no limit), to make it last. */
    Path spec(String method, String after, long maxOps) {
        String yaml = String.join("\n",
                "name: managed",
                "source: { host: " + a.host() + ", port: " + a.port() + " }",
                "target: { host: " + b.host() + ", port: " + b.port() + " }",
                "backup: { host: " + c.host() + ", port: " + c.port() + " }",
                "cutover: { mode: pause, max-pause: 3s, drain-watch: 1s }",
                "switch: { type: hook, command: [\"./repoint.sh\"], timeout: 5s }",
                "after: { source: " + after + " }",
                "sync: { method: " + method + ", max-ops: " + maxOps + " }",
                "");
        try {
            return Files.writeString(dir.resolve("managed.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path stateDir() {
        return dir.resolve(".ferry");
    }

    HostAndPort endpoint() {
        try {
            return HostAndPort.from(Files.readString(dir.resolve("endpoint")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 4 writers x 500/s, a third of them by EVAL, following the endpoint the hook writes. */
    Writers startWriters() {
        writers = new Writers(Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(1.0 / 3)
                .endpoint(this::endpoint).maxDuration(Duration.ofMinutes(5)).keyPrefix("managed-writer").build()).start();
        writers.awaitAcknowledged(40, Duration.ofSeconds(10));
        return writers;
    }

    /** Runs {@code spec} in this process, confirming every question, with {@code --accept-timed-fence}. */
    dev.ferry.core.run.RunResult run(Path spec, dev.ferry.core.procedure.RunListener listener) {
        return new dev.ferry.core.run.Runner(dev.ferry.core.spec.SpecLoader.load(spec),
                new dev.ferry.core.procedure.RunOptions(true, false, stateDir(), false, false, true),
                dev.ferry.core.procedure.Confirmer.YES, listener, dev.ferry.core.spec.SecretSource.system(),
                java.time.Clock.systemUTC()).run();
    }

    /** After the run: 200 more writes (on b by now), the writers stopped, c caught up; what b lost. */
    dev.ferry.testkit.LossReport stopAndCheckB(Writers w) {
        w.awaitAcknowledged(w.acknowledged() + 200, Duration.ofSeconds(10));
        w.stop();
        Rig.awaitReplicaCaughtUp(c, b);
        try (Jedis jb = b.client(Duration.ofSeconds(30))) {
            return w.checkLost(jb);
        }
    }

    /** The cutover's journaled facts (the logical sync's among them). */
    Map<String, Object> cutoverFacts() {
        return dev.ferry.core.journal.Journal.open(stateDir(), "managed", java.time.Clock.systemUTC()).facts("cutover");
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
        servers.forEach(RedisServer::close);
        dev.ferry.testkit.Files2.deleteRecursively(dir);
    }
}
