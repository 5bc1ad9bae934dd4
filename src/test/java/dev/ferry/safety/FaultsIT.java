package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExitCode;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Faults injected while ferry syncs: a server killed, a full sync that can never finish, a replica that cannot
 * log in. ferry must stop with the cause named instead of waiting, leave a master and writable (unless a itself
 * died), and leave a journal that resume can pick up.
 */
class FaultsIT {
    private static final Map<String, String> DEBUG = Map.of("enable-debug-command", "yes");

    @TempDir
    Path dir;

    private final List<RedisServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(RedisServer::close);
    }

    private RedisServer start(RedisBinary bin, Map<String, String> config) {
        RedisServer s = RedisServer.start(bin, config);
        servers.add(s);
        return s;
    }

    private Path spec(RedisServer a, String aAuth, RedisServer b, RedisServer c, String... more) throws Exception {
        Path spec = dir.resolve("orders.yaml");
        Files.writeString(spec, "name: orders\nsource: { host: 127.0.0.1, port: " + a.port() + aAuth + " }\n"
                + "target: { host: 127.0.0.1, port: " + b.port() + " }\n"
                + (c == null ? "" : "backup: { host: 127.0.0.1, port: " + c.port() + " }\n") + String.join("\n", more) + "\n");
        return spec;
    }

    private CompletableFuture<Cli.Result> runInBackground(Path spec) {
        return CompletableFuture.supplyAsync(() -> Cli.run("run", spec.toString(), "--yes", "--state-dir",
                dir.resolve("state").toString())).thenApply(r -> {
                    System.out.println("[fault] exit " + r.code() + ": " + r.errLine());
                    return r;
                });
    }

    private Journal journal() {
        return Journal.open(dir.resolve("state"), "orders", Clock.systemUTC());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static boolean replicates(RedisServer s) {
        try (Jedis j = s.client()) {
            return j.info("replication").contains("role:slave");
        }
    }

    private static void populate(RedisServer s, int keys, int size) {
        try (Jedis j = s.client(Duration.ofSeconds(60))) {
            j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", Integer.toString(keys), "key", Integer.toString(size));
        }
    }

    private static void config(RedisServer s, String key, String value) {
        try (Jedis j = s.client()) {
            j.configSet(key, value);
        }
    }

    /** a answers, is master, takes a write, and carries no fence of ferry's. */
    private static void assertWritableMaster(RedisServer a) {
        try (Jedis j = a.client()) {
            assertThat(j.info("replication")).contains("role:master");
            assertThat(j.set("after-fault", "1")).isEqualTo("OK");
            assertThat(j.configGet("min-replicas-to-write").get("min-replicas-to-write")).isEqualTo("0");
        }
    }

    private void assertResumable(String failedStep) {
        assertThat(journal().status()).isEqualTo(RunStatus.FAILED);
        assertThat(journal().failedStep()).contains(failedStep);
        assertThat(journal().pendingConfigChanges()).isEmpty();
    }

    @ParameterizedTest(name = "{0} killed during sync")
    @ValueSource(strings = {"a", "b"})
    void serverKilledDuringSync(String victim) throws Exception {
        RedisServer a = start(RedisBinary.system(), DEBUG);
        RedisServer b = start(RedisBinary.system(), Map.of());
        populate(a, 50_000, 100);
        // a waits 3s before it streams the snapshot: a wide window in which the sync is in progress
        config(a, "repl-diskless-sync-delay", "3");
        CompletableFuture<Cli.Result> run = runInBackground(spec(a, "", b, null));
        await("b to follow a", () -> replicates(b));
        (victim.equals("a") ? a : b).kill();

        Cli.Result result = run.get(30, TimeUnit.SECONDS);

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(result.errLine()).contains("cannot reach " + victim);
        assertResumable("sync b from a");
        if (victim.equals("b")) {
            assertWritableMaster(a);
        } else {
            try (Jedis j = b.client()) {
                assertThat(j.info("replication")).as("b was not promoted").contains("role:slave");
            }
        }
    }

    @Test
    void cKilledWhileChaining() throws Exception {
        RedisServer a = start(RedisBinary.system(), DEBUG);
        RedisServer b = start(RedisBinary.system(), Map.of());
        RedisServer c = start(RedisBinary.system(), Map.of());
        populate(a, 20_000, 100);
        config(b, "repl-diskless-sync-delay", "3");
        CompletableFuture<Cli.Result> run = runInBackground(spec(a, "", b, c));
        await("c to follow b", () -> replicates(c));
        c.kill();

        Cli.Result result = run.get(30, TimeUnit.SECONDS);

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(result.errLine()).contains("cannot reach c");
        assertWritableMaster(a);
        assertResumable("chain c to b");
    }

    /** The endless full sync: a drops b whenever its output buffer passes a tiny limit under writes. */
    @Test
    void repeatedFullSyncIsNamedNotWaitedOn() throws Exception {
        RedisServer a = start(RedisBinary.system(), DEBUG);
        RedisServer b = start(RedisBinary.system(), Map.of());
        populate(a, 200_000, 200);
        config(a, "client-output-buffer-limit", "replica 64kb 0 0");
        Path spec = spec(a, "", b, null);
        CompletableFuture<Cli.Result> run = runInBackground(spec);
        // writes start only once preflight has passed: with them, preflight itself would refuse the buffer limit
        await("sync to start", () -> journal().started("sync b from a"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> write(a, stop), "loop-writer");
        writer.start();
        Cli.Result result;
        try {
            result = run.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            writer.join(5000);
        }

        assertThat(result.errLine()).as(result.toString()).contains("full syncs from a").contains("client-output-buffer-limit");
        assertWritableMaster(a);
        assertResumable("sync b from a");
    }

    /** a's data grows past b's maxmemory while a waits to stream its snapshot: named, not waited on. */
    @Test
    void bOutOfMemoryDuringSyncIsNamed() throws Exception {
        RedisServer a = start(RedisBinary.system(), DEBUG);
        RedisServer b = start(RedisBinary.system(), Map.of());
        populate(a, 20_000, 100);
        // preflight wants b's maxmemory above a's used_memory (with a margin): twice is enough for it
        long used;
        try (Jedis j = a.client()) {
            used = Long.parseLong(j.info("memory").lines().filter(l -> l.startsWith("used_memory:")).findFirst()
                    .orElseThrow().substring("used_memory:".length()).strip());
        }
        config(b, "maxmemory", Long.toString(2 * used));
        config(a, "repl-diskless-sync-delay", "3");
        CompletableFuture<Cli.Result> run = runInBackground(spec(a, "", b, null));
        await("b to follow a", () -> replicates(b));
        try (Jedis j = a.client(Duration.ofSeconds(30))) {
            j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "100000", "more", "100");
        }

        Cli.Result result = run.get(60, TimeUnit.SECONDS);

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.STOPPED.value());
        assertThat(result.errLine()).contains("b ran out of memory while syncing from a")
                .contains("raise maxmemory on b");
        assertWritableMaster(a);
        assertResumable("sync b from a");
    }

    /**
     * a cannot write the RDB a disk-based sync needs (its dir takes no files): every retry fails, ferry says why,
     * quoting a's log through the spec's exec for a (here a local one).
     */
    @Test
    void aFailingToSnapshotIsNamed() throws Exception {
        RedisServer a = start(RedisBinary.system(), Map.of("dir", "/proc", "repl-diskless-sync", "no"));
        RedisServer b = start(RedisBinary.system(), Map.of());
        try (Jedis j = a.client()) {
            Dataset.load(j, 1000, 3);
        }

        Cli.Result result = runInBackground(spec(a, ", exec: [env]", b, null)).get(30, TimeUnit.SECONDS);

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.STOPPED.value());
        assertThat(result.errLine()).contains("a could not make the snapshot b needs (rdb_last_bgsave_status:err")
                .contains("(a's log: ").contains("Failed opening the temp RDB file").contains("CONFIG GET dir");
        assertWritableMaster(a);
        assertResumable("sync b from a");
    }

    private static void write(RedisServer a, AtomicBoolean stop) {
        String value = "v".repeat(2048);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Jedis j = a.client()) {
            while (!stop.get() && System.nanoTime() < deadline) {
                Pipeline p = j.pipelined();
                for (int i = 0; i < 50; i++) {
                    p.set("loop:" + i, value);
                }
                p.sync();
            }
        }
    }

    /** b logs in to a as a user that may not PSYNC: preflight can only warn on 6.2, the sync names the refusal. */
    @Test
    void replicationLoginRefusedIsNamed() throws Exception {
        RedisServer a = start(RedisBinary.shared("6.2.16"), Map.of("requirepass", ServerPool.PASSWORD));
        try (Jedis j = a.client()) {
            j.aclSetUser("ferry", "on", ">" + ServerPool.PASSWORD, "+@all", "-psync", "-sync", "~*");
        }
        RedisServer b = start(RedisBinary.system(), Map.of());
        Files.setPosixFilePermissions(Files.writeString(dir.resolve("a.pw"), ServerPool.PASSWORD),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path spec = spec(a, ", auth: { username: ferry, password-file: a.pw }", b, null, "after: { source: detach }");
        long start = System.nanoTime();

        Cli.Result result = runInBackground(spec).get(60, TimeUnit.SECONDS);

        assertThat(result.errLine()).as(result.toString()).contains("b cannot log in to a")
                .contains("user ferry refused").contains("psync").doesNotContain(ServerPool.PASSWORD);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertWritableMaster(a);
        assertResumable("sync b from a");
    }
}
