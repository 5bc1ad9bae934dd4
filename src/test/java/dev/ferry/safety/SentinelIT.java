package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Real Sentinels (Debian's redis-server started as redis-sentinel) watching a: with {@code sentinel: { master-name,
 * hosts }} ferry removes a from them before the cutover and has them monitor b after it, with a's settings;
 * {@code action: ignore} only warns; a Sentinel the spec does not list fails preflight.
 */
class SentinelIT {
    @TempDir
    Path dir;

    private MoveFixture f;
    private final List<RedisServer> sentinels = new ArrayList<>();

    @AfterEach
    void stop() {
        sentinels.forEach(RedisServer::close);
        if (f != null) {
            f.close();
        }
    }

    private RedisServer sentinelWatching(RedisServer master) throws Exception {
        return sentinelWatching(master, "");
    }

    private RedisServer sentinelWatching(RedisServer master, String more) throws Exception {
        return sentinelWatching(master, more, Map.of());
    }

    /**
     * redis-server runs as Sentinel when started under the name redis-sentinel; {@code more}: sentinel lines,
     * {@code config}: other sentinel.conf lines (requirepass).
     */
    private RedisServer sentinelWatching(RedisServer master, String more, Map<String, String> config)
            throws Exception {
        Path link = dir.resolve("bin").resolve("redis-sentinel");
        if (!Files.exists(link)) {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, RedisBinary.system().path());
        }
        Map<String, String> lines = new LinkedHashMap<>(config);
        lines.put("sentinel", "monitor orders 127.0.0.1 " + master.port() + " 1\nsentinel down-after-milliseconds"
                + " orders 1000\nsentinel failover-timeout orders 4000" + more);
        RedisServer sentinel = RedisServer.start(RedisBinary.at(link), lines);
        sentinels.add(sentinel);
        await("the Sentinel to connect to a", () -> sentinelClients(master) > 0);
        return sentinel;
    }

    private static long sentinelClients(RedisServer s) {
        try (Jedis j = s.client()) {
            return j.clientList().lines().filter(line -> line.contains("name=sentinel-")).count();
        }
    }

    private void specWith(String sentinelLine) throws Exception {
        Files.writeString(f.spec, Files.readString(f.spec) + sentinelLine + "\n");
    }

    private static String masterAddress(RedisServer sentinel) {
        try (Jedis j = sentinel.client()) {
            List<?> reply = (List<?>) j.sendCommand(() -> "SENTINEL".getBytes(), "GET-MASTER-ADDR-BY-NAME", "orders");
            return new String((byte[]) reply.get(0)) + ":" + new String((byte[]) reply.get(1));
        }
    }

    /** SENTINEL MASTER orders as a map; empty when the Sentinel does not monitor orders. */
    private static Map<String, String> master(RedisServer sentinel) {
        try (Jedis j = sentinel.client()) {
            Object reply;
            try {
                reply = j.sendCommand(() -> "SENTINEL".getBytes(), "MASTER", "orders");
            } catch (JedisDataException e) {
                assertThat(e.getMessage()).contains("No such master");
                return Map.of();
            }
            Map<String, String> fields = new LinkedHashMap<>();
            List<?> list = (List<?>) reply;
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(new String((byte[]) list.get(i)), new String((byte[]) list.get(i + 1)));
            }
            return fields;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void ferryMovesTheSentinelsWatchFromAToB() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");
        Writers writers = f.startWriters();

        Cli.Result run = f.ferry("run", "--yes");

        writers.stop();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("sentinel forgets a").contains("sentinel watches b");
        Map<String, String> watched = master(sentinel);
        assertThat(watched).containsEntry("port", Integer.toString(f.b.port())).containsEntry("quorum", "1")
                .containsEntry("down-after-milliseconds", "1000").containsEntry("failover-timeout", "4000");
        await("the Sentinel to find a and c as b's replicas", () -> "2".equals(master(sentinel).get("num-slaves")));
        // a Sentinel still watching a (down after 1 s, quorum 1) would have failed over by now
        Thread.sleep(3000);
        assertThat(MoveFixture.role(f.b)).startsWith("role:master");
        assertThat(MoveFixture.role(f.a)).contains("master_port:" + f.b.port());
        try (Jedis b = f.b.client()) {
            LossReport loss = writers.checkLost(b);
            assertThat(loss.lost()).as(loss.toString()).isZero();
        }
    }

    /** b held with CLIENT PAUSE WRITE from the cutover on never catches up: the cutover aborts after the Sentinel forgot a. */
    @Test
    void anAbortedCutoverGivesTheSentinelItsWatchOnABack() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");
        Files.writeString(f.spec, Files.readString(f.spec).replace("max-pause: 2s", "max-pause: 500ms"));
        f.startWriters();
        RunListener pauseB = new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (Cutover.NAME.equals(step)) {
                    try (Jedis b = f.b.client()) {
                        b.clientPause(20_000, ClientPauseMode.WRITE);
                    }
                }
            }
        };
        Runner runner = new Runner(SpecLoader.load(f.spec), new RunOptions(true, false, f.state, false), Confirmer.YES,
                pauseB, SecretSource.system(), Clock.systemUTC());

        FerryException aborted = catchThrowableOfType(FerryException.class, runner::run);

        try (Jedis b = f.b.client()) {
            b.clientUnpause();
        }
        assertThat(aborted.code()).as(aborted.getMessage()).isEqualTo(ExitCode.ABORTED);
        assertThat(aborted.getMessage()).contains("the Sentinels monitor a again");
        assertThat(master(sentinel)).containsEntry("port", Integer.toString(f.a.port())).containsEntry("quorum", "1")
                .containsEntry("failover-timeout", "4000");
        assertThat(MoveFixture.role(f.a)).startsWith("role:master");
    }

    /** b has a password: the Sentinel gets it as auth-pass (it can log in and find b's replicas); ferry never writes it. */
    @Test
    void theSentinelLearnsBsPasswordWhichStaysSecret() throws Exception {
        String password = "sn-Pw77-secret";
        f = new MoveFixture(dir, RedisBinary.system(), Map.of("requirepass", password),
                "auth: { password-env: FERRY_SENTINEL_PW }\n");
        RedisServer sentinel = sentinelWatching(f.a, "\nsentinel auth-pass orders " + password);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");
        Runner runner = new Runner(SpecLoader.load(f.spec), new RunOptions(true, false, f.state, false), Confirmer.YES,
                RunListener.SILENT, name -> Optional.of(password).filter(p -> name.equals("FERRY_SENTINEL_PW")),
                Clock.systemUTC());

        runner.run();

        assertThat(master(sentinel)).containsEntry("port", Integer.toString(f.b.port()));
        await("the Sentinel to log in to b and find its replicas", () -> "2".equals(master(sentinel).get("num-slaves")));
        assertThat(master(sentinel).get("flags")).isEqualTo("master");
        try (Stream<Path> files = Files.walk(f.state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(password);
            }
        }
    }

    @Test
    void aSentinelThatKnowsTheNameAsAnotherServerFailsPreflight() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.c);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");

        Cli.Result preflight = f.ferry("preflight");

        assertThat(preflight.code()).as(preflight.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        assertThat(preflight.out() + preflight.err()).contains("monitors orders at 127.0.0.1:" + f.c.port()
                + ", which is not a");
    }

    @Test
    void aSentinelThatAlreadyWatchesBFailsPreflightBeforeAnythingChanges() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.b);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");

        Cli.Result run = f.ferry("run", "--yes");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        assertThat(run.out() + run.err()).contains("monitors orders at 127.0.0.1:" + f.b.port() + ", which is b");
        try (Jedis jb = f.b.client()) {
            assertThat(jb.info("replication")).as("b untouched").contains("role:master");
        }
    }

    @Test
    void ignoreOnlyWarns() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        sentinelWatching(f.a);
        specWith("sentinel: { action: ignore }");

        Cli.Result preflight = f.ferry("preflight");

        assertThat(preflight.code()).as(preflight.toString()).isZero();
        assertThat(preflight.out()).contains("WARN").contains("sentinel: { action: ignore }");
    }

    @Test
    void anUnlistedSentinelFailsPreflight() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer listed = sentinelWatching(f.a);
        sentinelWatching(f.a);
        await("both Sentinels to subscribe on a", () -> sentinelClients(f.a) >= 4);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + listed.port() + "\"] }");

        Cli.Result preflight = f.ferry("preflight");

        assertThat(preflight.code()).as(preflight.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        assertThat(preflight.out() + preflight.err()).contains("2 Sentinels watch a but the spec lists 1");
        assertThat(master(listed)).as("nothing changed").containsEntry("port", Integer.toString(f.a.port()));
    }

    /** requirepass in sentinel.conf: without sentinel.auth, or with a wrong password, preflight names the fix. */
    @Test
    void aPasswordProtectedSentinelIsMovedWithSentinelAuthAndRefusedWithoutIt() throws Exception {
        String password = "sn-Guard-4242";
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a, "", Map.of("requirepass", password));
        String spec = Files.readString(f.spec);
        String block = "sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"]";
        Files.writeString(f.spec, spec + block + " }\n");
        Cli.Result noAuth = f.ferry("run", "--yes");
        secret(dir.resolve("sentinel.pw"), "not-" + password + "\n");
        Files.writeString(f.spec, spec + block + ", auth: { password-file: sentinel.pw } }\n");
        Cli.Result wrong = f.ferry("preflight");

        assertThat(noAuth.code()).as(noAuth.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(noAuth.errLine()).contains("sentinel 127.0.0.1:" + sentinel.port(), "NOAUTH",
                "add sentinel.auth: { password-env: NAME }");
        assertThat(wrong.code()).as(wrong.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(wrong.errLine()).contains("sentinel 127.0.0.1:" + sentinel.port(),
                "check the variable or file named in sentinel.auth:");
        assertThat(master(sentinel)).as("nothing changed").containsEntry("port", Integer.toString(f.a.port()));
        assertThat(MoveFixture.role(f.a)).startsWith("role:master");
        assertThat(MoveFixture.role(f.b)).startsWith("role:master");

        secret(dir.resolve("sentinel.pw"), password + "\n");
        Writers writers = f.startWriters();
        Cli.Result run = f.ferry("resume", "--yes"); // what the failed preflight's journal asks for

        writers.stop();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.b.port());
        assertThat(master(sentinel)).containsEntry("quorum", "1").containsEntry("failover-timeout", "4000");
        try (Jedis b = f.b.client()) {
            LossReport loss = writers.checkLost(b);
            assertThat(loss.lost()).as(loss.toString()).isZero();
        }
        assertThat(run.out() + run.err()).doesNotContain(password);
        try (Stream<Path> files = Files.walk(f.state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(password);
            }
        }
    }

    /** An ACL user of the Sentinel (6.2+): ferry logs in as that user, not as the default one. */
    @Test
    void aSentinelAclUserIsWhoFerryLogsInAs() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a, "", Map.of("requirepass", "default-Pw-1",
                "user", "watcher on >watcher-Pw-2 +@all"));
        secret(dir.resolve("watcher.pw"), "watcher-Pw-2\n");
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"],"
                + " auth: { username: watcher, password-file: watcher.pw } }");

        Cli.Result run = f.ferry("run", "--yes");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.b.port());
        assertThat(run.out() + run.err()).doesNotContain("watcher-Pw-2");
    }

    /** The mirror of a run: b leaves the Sentinel before the switch-back, a is watched again after it. */
    @Test
    void rollbackAfterTheCutoverHasTheSentinelMonitorAAgain() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");
        Writers writers = f.startWriters();
        Cli.Result run = f.ferry("run", "--yes");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.b.port());
        writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));

        Cli.Result rollback = f.ferry("rollback", "--yes");

        assertThat(rollback.code()).as(rollback.toString()).isZero();
        assertThat(rollback.out()).contains("sentinel forgets b").contains("sentinel watches a");
        writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.a.port());
        assertThat(master(sentinel)).containsEntry("quorum", "1").containsEntry("down-after-milliseconds", "1000")
                .containsEntry("failover-timeout", "4000");
        await("the Sentinel to find b and c as a's replicas", () -> "2".equals(master(sentinel).get("num-slaves")));
        // a Sentinel still watching b (now a replica; down after 1 s, quorum 1) would have failed over by now
        Thread.sleep(3000);
        writers.stop();
        assertThat(MoveFixture.role(f.a)).startsWith("role:master");
        assertThat(MoveFixture.role(f.b)).contains("master_port:" + f.a.port());
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.a.port());
        try (Jedis a = f.a.client()) {
            LossReport loss = writers.checkLost(a);
            assertThat(loss.lost()).as(loss.toString()).isZero();
        }
    }

    /** ferry killed inside the switch-back, once a is promoted: the Sentinel watches nothing until rollback runs again. */
    @Test
    void aRollbackKilledAfterPromotingAIsRunAgainAndTheSentinelEndsOnA() throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        RedisServer sentinel = sentinelWatching(f.a);
        specWith("sentinel: { master-name: orders, hosts: [\"127.0.0.1:" + sentinel.port() + "\"] }");
        Writers writers = f.startWriters();
        assertThat(f.ferry("run", "--yes").code()).isZero();

        MoveFixture.ProcessResult killed = f.ferryProcess(Map.of("FERRY_FAILPOINT", "cutover:promoted"), "rollback",
                "--yes");
        assertThat(killed.code()).as(killed.err()).isEqualTo(137);
        assertThat(master(sentinel)).as("b left the Sentinel before the switch-back").isEmpty();
        Cli.Result again = f.ferry("rollback", "--yes");

        assertThat(again.code()).as(again.toString()).isZero();
        writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(10));
        writers.stop();
        assertThat(masterAddress(sentinel)).isEqualTo("127.0.0.1:" + f.a.port());
        assertThat(master(sentinel)).containsEntry("quorum", "1").containsEntry("failover-timeout", "4000");
        assertThat(MoveFixture.role(f.a)).startsWith("role:master");
        try (Jedis a = f.a.client()) {
            LossReport loss = writers.checkLost(a);
            assertThat(loss.lost()).as(loss.toString()).isZero();
        }
    }

    /** A password file as ferry accepts it: readable by its owner only. */
    private static void secret(Path file, String content) throws java.io.IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
}
