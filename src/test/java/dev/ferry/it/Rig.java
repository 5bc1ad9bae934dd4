package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Throwaway a, b, c (the demo's servers, dataset, hook switch and endpoint-following writers) plus a spec the
 * test chooses, so that each test runs the real procedure and judges it by the writers' acknowledged writes.
 */
final class Rig implements AutoCloseable {
    static final String SPEC_NAME = "demo";

    private final Demo demo;
    private final Path spec;

    private Rig(Demo demo, Path spec) {
        this.demo = demo;
        this.spec = spec;
    }

    /** Small and quick: 2,000 keys, 4 writers x 300/s, 30% of them EVAL. */
    static DemoConfig config(RedisBinary a, RedisBinary bc) {
        return config(a, bc, Map.of());
    }

    static DemoConfig config(RedisBinary a, RedisBinary bc, Map<String, String> serverConfig) {
        return new DemoConfig(2_000, 4, 300, 0.3, Duration.ofSeconds(2), Duration.ofMillis(300), "replica", a, bc, bc,
                serverConfig);
    }

    static Rig start(DemoConfig config) {
        Demo demo = new Demo(config);
        try {
            demo.start(line -> { });
            return new Rig(demo, demo.writeSpec());
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    /** Rewrites the spec: after is replica or detach; max-pause and drain-watch in the spec's own units. */
    Rig spec(String after, String maxPause, String drainWatch) {
        write(spec, SPEC_NAME, after, maxPause, drainWatch);
        return this;
    }

    /** A spec of this rig's servers under another name, beside the rig's own (for fleets); returns its file. */
    Path namedSpec(String name, String maxPause, String... extraLines) {
        Path file = spec.resolveSibling(name + ".yaml");
        write(file, name, "replica", maxPause, "1s", extraLines);
        return file;
    }

    private void write(Path file, String name, String after, String maxPause, String drainWatch, String... extraLines) {
        String yaml = String.join("\n",
                "name: " + name,
                "source: { host: " + a().host() + ", port: " + a().port() + " }",
                "target: { host: " + b().host() + ", port: " + b().port() + " }",
                "backup: { host: " + c().host() + ", port: " + c().port() + " }",
                "cutover: { mode: pause, max-pause: " + maxPause + ", drain-watch: " + drainWatch + " }",
                "switch: { type: hook, command: [\"./repoint.sh\"], timeout: 5s }",
                "after: { source: " + after + " }",
                String.join("\n", extraLines),
                "");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Writers startWriters() {
        return demo.startWriters();
    }

    Writers writers() {
        return demo.writers();
    }

    RunResult run(boolean restart, RunListener listener) {
        return runner(restart, listener).run();
    }

    Runner runner(boolean restart, RunListener listener) {
        return new Runner(SpecLoader.load(spec), new RunOptions(true, false, stateDir(), restart), Confirmer.YES, listener,
                SecretSource.system(), Clock.systemUTC());
    }

    /** The CLI arguments that name this rig's spec and state directory, after the command. */
    String[] args(String command, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = command;
        args[1] = spec.toString();
        args[2] = "--state-dir";
        args[3] = stateDir().toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return args;
    }

    /**
     * Stops the writers and checks every acknowledged write on b and (once c has b's offset) on c: the
     * writers' own verdict, not ferry's.
     */
    Verdict stopAndCheck() {
        demo.writers().stop();
        if (Roles.role(b()).equals(Roles.replicaOf(a()))) {
            awaitReplicaCaughtUp(b(), a()); // an aborted cutover: a is master, b must have what a acknowledged
        }
        awaitReplicaCaughtUp(c(), b());
        try (Jedis jb = b().client(Duration.ofSeconds(30)); Jedis jc = c().client(Duration.ofSeconds(30))) {
            return new Verdict(demo.writers().stats().summary(), demo.writers().checkLost(jb), demo.writers().checkLost(jc));
        }
    }

    /** A replica's copy counts only once it has its master's offset: wait (bounded) for that. */
    static void awaitReplicaCaughtUp(RedisServer replica, RedisServer master) {
        try (Jedis m = master.client(); Jedis r = replica.client()) {
            await("" + replica + " reaches " + master + "'s offset").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        long masterOffset = Roles.field(m.info("replication"), "master_repl_offset");
                        return Roles.field(r.info("replication"), "slave_repl_offset") >= masterOffset
                                && "up".equals(Roles.text(r.info("replication"), "master_link_status"));
                    });
        }
    }

    Journal journal() {
        return Journal.open(stateDir(), SPEC_NAME, Clock.systemUTC());
    }

    Path stateDir() {
        return demo.workDir().resolve(".ferry");
    }

    Path specFile() {
        return spec;
    }

    RedisServer a() {
        return demo.a();
    }

    RedisServer b() {
        return demo.b();
    }

    RedisServer c() {
        return demo.c();
    }

    List<RedisServer> servers() {
        return List.of(a(), b(), c());
    }

    @Override
    public void close() {
        demo.close();
    }

    /** What the writers found on b and on c. */
    record Verdict(String writers, LossReport onB, LossReport onC) {
        void assertNothingLost() {
            assertThat(onB.checked()).as("acknowledged writes checked; " + writers).isPositive();
            assertThat(onB.lost()).as("lost on b " + onB + "; " + writers).isZero();
            assertThat(onC.lost()).as("lost on c " + onC + "; " + writers).isZero();
        }
    }
}
