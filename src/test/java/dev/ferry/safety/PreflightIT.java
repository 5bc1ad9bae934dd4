package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Each WARN and FAIL of the preflight catalogue, triggered on real servers; and that preflight changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreflightIT {
    @TempDir
    static Path dir;

    private ServerPool pool;
    private Map<String, String> clean;

    @BeforeAll
    void startServers() {
        pool = new ServerPool(dir);
        RedisBinary apt = RedisBinary.system();
        ServerPool.load(pool.start("a", apt, Map.of()), 0, 200);
        ServerPool.load(pool.get("a"), 3, 5);
        pool.start("b", apt, Map.of());
        pool.start("c", apt, Map.of());
        ServerPool.load(pool.start("full", apt, Map.of()), 0, 10);
        pool.start("renamed", apt, Map.of("rename-command", "CONFIG XCONFIG"));
        RedisServer secured = pool.start("secured", apt, Map.of("requirepass", ServerPool.PASSWORD));
        try (Jedis j = secured.client()) {
            j.aclSetUser("ferry", "on", ">" + ServerPool.PASSWORD, "+@all", "~*");
        }
        RedisServer old = pool.start("v62", RedisBinary.shared("6.2.16"), Map.of("requirepass", ServerPool.PASSWORD));
        try (Jedis j = old.client()) {
            j.aclSetUser("ferry", "on", ">" + ServerPool.PASSWORD, "+@all", "~*");
        }
        pool.start("v5", RedisBinary.shared("5.0.14"), Map.of());
        pool.file("pool.pw", ServerPool.PASSWORD + "\n");
        clean = pool.snapshot();
    }

    @AfterEach
    void unchanged() {
        assertThat(pool.snapshot()).as("preflight is read-only; every test restores what it set").isEqualTo(clean);
    }

    @AfterAll
    void stopServers() {
        if (pool != null) {
            pool.close();
        }
    }

    /** Runs ferry preflight and returns "STATUS detail" per check name. */
    private Map<String, String> preflight(String yaml, String... flags) throws Exception {
        Path spec = Files.createTempDirectory(dir, "spec").resolve("orders.yaml");
        Files.writeString(spec, yaml);
        Files.copy(dir.resolve("pool.pw"), spec.resolveSibling("pool.pw"));
        String[] args = new String[flags.length + 4];
        args[0] = "preflight";
        args[1] = spec.toString();
        args[2] = "--state-dir";
        args[3] = spec.resolveSibling("state").toString();
        System.arraycopy(flags, 0, args, 4, flags.length);
        Cli.Result result = Cli.run(args);
        Map<String, String> checks = new LinkedHashMap<>();
        for (String line : result.out().split("\n")) {
            String l = line.strip();
            if (l.startsWith("PASS") || l.startsWith("WARN") || l.startsWith("FAIL")) {
                String status = l.substring(0, 4);
                String rest = l.substring(5).strip();
                String name = rest.length() >= 22 ? rest.substring(0, 22).strip() : rest;
                checks.put(name, status + " " + rest.substring(Math.min(rest.length(), 22)).strip());
            }
        }
        checks.put("exit", Integer.toString(result.code()));
        System.out.println("[preflight] " + checks);
        return checks;
    }

    private String trio(String... more) {
        return yaml(pool.endpoint("a"), pool.endpoint("b"), pool.endpoint("c"), more);
    }

    private static String yaml(String a, String b, String c, String... more) {
        return "name: orders\nsource: " + a + "\ntarget: " + b + "\n" + (c == null ? "" : "backup: " + c + "\n")
                + String.join("\n", more) + "\n";
    }

    private void config(String server, String key, String value) {
        try (Jedis j = pool.get(server).client()) {
            j.configSet(key, value);
        }
    }

    @Test
    void cleanServersPassEveryCheck() throws Exception {
        Map<String, String> checks = preflight(trio());
        assertThat(checks.get("exit")).isEqualTo("0");
        assertThat(checks.values()).noneMatch(v -> v.startsWith("WARN") || v.startsWith("FAIL"));
        assertThat(checks).hasSizeGreaterThanOrEqualTo(27);
        assertThat(checks.get("databases")).contains("db3=5");
    }

    @Test
    void bAndCFollowingAnotherServerAreRefused() throws Exception {
        RedisServer other = pool.get("full");
        for (String server : new String[] {"b", "c"}) {
            try (Jedis j = pool.get(server).client()) {
                j.replicaof(other.host(), other.port());
            }
        }
        try {
            Map<String, String> checks = preflight(trio());
            String elsewhere = " replicates from " + other.host() + ":" + other.port();
            assertThat(checks.get("b's role")).startsWith("FAIL").contains("b" + elsewhere + ", not from a")
                    .contains("detach b first (REPLICAOF NO ONE) or fix target in the spec");
            assertThat(checks.get("c's role")).startsWith("FAIL").contains("c" + elsewhere + ", not from b")
                    .contains("detach c first (REPLICAOF NO ONE) or fix backup in the spec");
            assertThat(checks.get("exit")).isEqualTo("3");
        } finally {
            for (String server : new String[] {"b", "c"}) {
                try (Jedis j = pool.get(server).client()) {
                    j.replicaofNoOne();
                    j.flushAll();
                }
            }
        }
    }

    @Test
    void tinyReplicaBufferUnderLoadFailsAndSmallBacklogWarns() throws Exception {
        String before = "";
        try (Jedis j = pool.get("a").client()) {
            before = j.configGet("client-output-buffer-limit").get("client-output-buffer-limit");
            j.configSet("client-output-buffer-limit", "replica 16kb 0 0");
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = writer(stop);
        try {
            Map<String, String> checks = preflight(trio());
            assertThat(checks.get("replica output buffer")).startsWith("FAIL").contains("repeat forever")
                    .contains("CONFIG SET client-output-buffer-limit");
            assertThat(checks.get("replication backlog")).startsWith("WARN").contains("repl-backlog-size");
            assertThat(checks.get("exit")).isEqualTo("3");
        } finally {
            stop.set(true);
            writer.join(5000);
            config("a", "client-output-buffer-limit", before);
            try (Jedis j = pool.get("a").client()) {
                j.del("load");
            }
        }
    }

    /** Pipelined writes of 1 KB values for at most 10 s: a steady replication stream of a few MB/s. */
    private Thread writer(AtomicBoolean stop) throws InterruptedException {
        Thread t = new Thread(() -> {
            String value = "x".repeat(1024);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try (Jedis j = pool.get("a").client()) {
                while (!stop.get() && System.nanoTime() < deadline) {
                    Pipeline p = j.pipelined();
                    for (int i = 0; i < 100; i++) {
                        p.set("load", value);
                    }
                    p.sync();
                }
            }
        }, "preflight-load");
        t.setDaemon(true);
        t.start();
        Thread.sleep(300);
        return t;
    }

    @Test
    void targetMaxmemoryBelowTheDatasetFails() throws Exception {
        config("b", "maxmemory", "200kb");
        try {
            assertThat(preflight(trio()).get("memory on b and c")).startsWith("FAIL")
                    .contains("b's maxmemory").contains("raise maxmemory on b");
        } finally {
            config("b", "maxmemory", "0");
        }
    }

    @Test
    void sourceNearMaxmemoryWarnsAboutTheFork() throws Exception {
        long used;
        try (Jedis j = pool.get("a").client()) {
            used = Long.parseLong(j.info("memory").split("used_memory:")[1].split("\r")[0]);
        }
        config("a", "maxmemory", Long.toString(used * 21 / 20));
        try {
            assertThat(preflight(trio()).get("fork headroom on a")).startsWith("WARN").contains("within 10% of maxmemory");
        } finally {
            config("a", "maxmemory", "0");
        }
    }

    @Test
    void differentPersistenceAndWritableReplicasWarn() throws Exception {
        config("b", "appendonly", "yes");
        config("c", "replica-read-only", "no");
        try {
            Map<String, String> checks = preflight(trio());
            assertThat(checks.get("persistence")).startsWith("WARN").contains("appendonly a='no' b='yes'");
            assertThat(checks.get("read-only replicas")).startsWith("WARN").contains("c has replica-read-only no");
            assertThat(checks.get("exit")).isEqualTo("0");
        } finally {
            config("b", "appendonly", "no");
            config("c", "replica-read-only", "yes");
        }
    }

    @Test
    void forceWipeNamesTheKeysItWillErase() throws Exception {
        Map<String, String> checks = preflight(yaml(pool.endpoint("a"), pool.endpoint("full"), null), "--force-wipe-target");
        assertThat(checks.get("b is empty")).startsWith("WARN").contains("holds 10 keys (db0=10) that will be erased");
        assertThat(checks.get("exit")).isEqualTo("0");
    }

    @Test
    void renameMapLetsFerryUseARenamedConfig() throws Exception {
        String unmapped = yaml(pool.endpoint("a"), pool.endpoint("renamed"), null);
        assertThat(preflight(unmapped).get("commands")).startsWith("FAIL").contains("CONFIG on b");
        Map<String, String> mapped = preflight(yaml(pool.endpoint("a"), pool.endpoint("renamed", "rename: { CONFIG: XCONFIG }"),
                null));
        assertThat(mapped.get("commands")).startsWith("PASS");
        assertThat(mapped.get("memory on b and c")).startsWith("PASS");
        assertThat(mapped.get("exit")).isEqualTo("0");
    }

    @Test
    void aUsernameThatAnOldReplicaCannotSendFails() throws Exception {
        Map<String, String> checks = preflight(yaml(pool.endpoint("secured", "auth: { username: ferry, password-file: pool.pw }"),
                pool.endpoint("v5", "auth: {}"), null, "after: { source: detach }"));
        assertThat(checks.get("replica logins")).startsWith("FAIL").contains("masteruser needs Redis 6.0+");
    }

    @Test
    void aclRightsCannotBeVerifiedBefore70() throws Exception {
        Map<String, String> checks = preflight(yaml(pool.endpoint("v62", "auth: { username: ferry, password-file: pool.pw }"),
                pool.endpoint("b"), null));
        assertThat(checks.get("ACL rights")).startsWith("WARN").contains("ACL DRYRUN needs 7.0");
        assertThat(checks.get("replica logins")).startsWith("PASS").contains("b->a as ferry");
    }

    @Test
    void fullAclUserOn70Passes() throws Exception {
        Map<String, String> checks = preflight(yaml(pool.endpoint("secured", "auth: { username: ferry, password-file: pool.pw }"),
                pool.endpoint("b"), null));
        assertThat(checks.get("ACL rights")).startsWith("PASS");
        assertThat(checks.get("exit")).isEqualTo("0");
    }
}
