package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExitCode;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Every way to misuse ferry that we know of, each refused with one line on stderr that names the problem and
 * the fix, the exit code of its class, and no change on any server (checked by a before/after snapshot).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    @TempDir
    static Path dir;

    private ServerPool pool;

    /** One row: what the operator does, and what ferry must answer. */
    record Case(String name, ExitCode code, String problem, String fix, Function<ServerPool, String> yaml,
            List<String> args, Prepare prepare) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Something the case needs before ferry runs (a journal, a subscriber); returns what undoes it. */
    interface Prepare {
        AutoCloseable apply(ServerPool pool, Path spec, Path stateDir) throws Exception;
    }

    @BeforeAll
    void startServers() {
        pool = new ServerPool(dir);
        RedisBinary apt = RedisBinary.system();
        ServerPool.load(pool.start("a", apt, Map.of()), 0, 100);
        ServerPool.load(pool.get("a"), 3, 5);
        pool.start("b", apt, Map.of());
        pool.start("c", apt, Map.of());
        ServerPool.load(pool.start("full", apt, Map.of()), 0, 10);
        RedisServer replica = pool.start("replica", apt, Map.of());
        try (Jedis j = replica.client()) {
            j.replicaof(pool.get("full").host(), pool.get("full").port());
        }
        RedisServer secured = pool.start("secured", apt, Map.of("requirepass", ServerPool.PASSWORD));
        try (Jedis j = secured.client()) {
            j.aclSetUser("limited", "on", ">" + ServerPool.LIMITED_PASSWORD, "+@all", "-config", "~*");
        }
        pool.start("renamed", apt, Map.of("rename-command", "CONFIG XCONFIG"));
        pool.start("cluster", apt, Map.of("cluster-enabled", "yes", "cluster-config-file", "nodes.conf"));
        pool.start("v5", RedisBinary.shared("5.0.14"), Map.of());
        pool.start("v3", RedisBinary.shared("3.0.4"), Map.of());
        pool.file("pool.pw", ServerPool.PASSWORD + "\n");
        pool.file("wrong.pw", "not-the-password\n");
        pool.file("limited.pw", ServerPool.LIMITED_PASSWORD + "\n");
    }

    @AfterAll
    void stopServers() {
        if (pool != null) {
            pool.close();
        }
    }

    private static String yaml(String name, String source, String target, String backup, String... more) {
        StringBuilder sb = new StringBuilder("name: " + name + "\nsource: " + source + "\ntarget: " + target + "\n");
        if (backup != null) {
            sb.append("backup: ").append(backup).append('\n');
        }
        for (String m : more) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }

    /** a, b and c as they should be, plus extra top-level lines. */
    private static Function<ServerPool, String> good(String... more) {
        return p -> yaml("orders", p.endpoint("a"), p.endpoint("b"), p.endpoint("c"), more);
    }

    private static Case spec(String name, String problem, String fix, Function<ServerPool, String> yaml) {
        return new Case(name, ExitCode.BAD_SPEC, problem, fix, yaml, List.of("run", "--yes"), null);
    }

    private static Case run(String name, ExitCode code, String problem, String fix, Function<ServerPool, String> yaml) {
        return new Case(name, code, problem, fix, yaml, List.of("run", "--yes"), null);
    }

    private static Case prepared(Case c, Prepare prepare) {
        return new Case(c.name, c.code, c.problem, c.fix, c.yaml, c.args, prepare);
    }

    private static Case args(Case c, String... args) {
        return new Case(c.name, c.code, c.problem, c.fix, c.yaml, List.of(args), c.prepare);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // ---- the spec file itself (exit 2) ----
        cases.add(spec("malformed YAML", "orders.yaml", "", p -> "name: orders\nsource: { host: 127.0.0.1, port: \n"));
        cases.add(spec("unknown top-level key", "unknown key 'sorce'", "did you mean 'source'?",
                p -> "name: orders\nsorce: " + p.endpoint("a") + "\ntarget: " + p.endpoint("b") + "\n"));
        cases.add(spec("unknown host key", "unknown key 'prot'", "did you mean 'port'?",
                p -> yaml("orders", "{ host: 127.0.0.1, prot: 1 }", p.endpoint("b"), null)));
        cases.add(spec("missing target", "missing required key 'target'", "add e.g. target:",
                p -> "name: orders\nsource: " + p.endpoint("a") + "\n"));
        cases.add(spec("missing name", "missing required key 'name'", "add e.g. name:",
                p -> "source: " + p.endpoint("a") + "\ntarget: " + p.endpoint("b") + "\n"));
        cases.add(spec("port is not a number", "invalid source.port 'six'", "write a whole number",
                p -> yaml("orders", "{ host: 127.0.0.1, port: six }", p.endpoint("b"), null)));
        cases.add(spec("port out of range", "source.port", "6379",
                p -> yaml("orders", "{ host: 127.0.0.1, port: 70000 }", p.endpoint("b"), null)));
        cases.add(spec("source is a list", "source", "",
                p -> yaml("orders", "[ 127.0.0.1 ]", p.endpoint("b"), null)));
        cases.add(spec("duplicate key", "duplicate", "",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("b"), null, "name: again")));
        cases.add(spec("b == a, same host:port", "source and target are the same server", "different host:port",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("a"), null)));
        cases.add(spec("c == b", "target and backup are the same server", "different host:port",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("b"), p.endpoint("b"))));
        cases.add(spec("max-pause 0", "cutover.max-pause", "max-pause: 2s", good("cutover: { max-pause: 0s }")));
        cases.add(spec("max-pause negative", "cutover.max-pause", "", good("cutover: { max-pause: -1s }")));
        cases.add(spec("max-pause absurd", "cutover.max-pause", "max-pause: 2s", good("cutover: { max-pause: 10h }")));
        cases.add(spec("unknown cutover mode", "invalid cutover.mode 'fast'", "allowed: pause", good("cutover: { mode: fast }")));
        cases.add(spec("hook without command", "needs a command", "command: [", good("switch: { type: hook }")));
        cases.add(spec("username without password", "has a username but no password", "add password-env",
                good("auth: { username: ferry }")));
        cases.add(spec("password env var unset", "FERRY_TEST_SURELY_UNSET", "export FERRY_TEST_SURELY_UNSET",
                good("auth: { password-env: FERRY_TEST_SURELY_UNSET }")));
        cases.add(spec("password file missing", "does not exist", "create it", good("auth: { password-file: nope.pw }")));
        cases.add(spec("rename to nothing", "invalid rename.CONFIG", "XCONFIG", good("rename: { CONFIG: \"\" }")));
        cases.add(args(spec("password in argv", "unknown option '--password'", "password-env", good()),
                "run", "--yes", "--password", "s3cret-in-argv"));
        cases.add(args(spec("unknown flag", "unknown option '--forse'", "--help", good()), "run", "--forse"));
        // ---- servers that must not be touched (exit 3 / 4) ----
        cases.add(run("b == a through another address", ExitCode.PREFLIGHT, "a and b are the same server (run_id",
                "three different servers", p -> yaml("orders", p.endpoint("a"),
                        "{ host: localhost, port: " + p.get("a").port() + " }", null)));
        cases.add(run("b not empty", ExitCode.PREFLIGHT, "holds 10 keys (db0=10)", "--force-wipe-target",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("full"), p.endpoint("c"))));
        cases.add(run("c not empty", ExitCode.PREFLIGHT, "c (127.0.0.1:", "--force-wipe-target",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("b"), p.endpoint("full"))));
        cases.add(run("unreachable target", ExitCode.CONNECTION, "cannot reach b", "check that the server runs",
                p -> yaml("orders", p.endpoint("a"), "{ host: 127.0.0.1, port: " + ServerPool.closedPort() + " }", null)));
        cases.add(run("wrong password", ExitCode.CONNECTION, "refused the connection", "password is wrong",
                p -> yaml("orders", p.endpoint("secured", "auth: { password-file: wrong.pw }"), p.endpoint("b"), null)));
        cases.add(run("password missing", ExitCode.CONNECTION, "refused the connection", "add auth:",
                p -> yaml("orders", p.endpoint("secured"), p.endpoint("b"), null)));
        cases.add(run("missing ACL rights", ExitCode.PREFLIGHT, "user limited may not run CONFIG", "ACL SETUSER",
                p -> yaml("orders", p.endpoint("secured", "auth: { username: limited, password-file: limited.pw }"),
                        p.endpoint("b"), null)));
        cases.add(run("username on 5.0", ExitCode.CONNECTION, "b (127.0.0.1:", "drop auth.username",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("v5", "auth: { username: ferry, password-file: pool.pw }"),
                        null)));
        cases.add(run("renamed CONFIG", ExitCode.PREFLIGHT, "CONFIG on b renamed or disabled", "rename: { CONFIG: NEWNAME }",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("renamed"), null)));
        cases.add(run("a is a replica", ExitCode.PREFLIGHT, "a is a replica of", "set source to the current master",
                p -> yaml("orders", p.endpoint("replica"), p.endpoint("b"), null)));
        cases.add(run("b replicates from elsewhere", ExitCode.PREFLIGHT, "b replicates from", "detach b first",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("replica"), null)));
        cases.add(run("c replicates from elsewhere", ExitCode.PREFLIGHT, "c replicates from", "detach c first",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("b"), p.endpoint("replica"))));
        cases.add(run("b older than a", ExitCode.PREFLIGHT, "cannot load a's RDB", "not older than a",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("v5"), null)));
        cases.add(run("after: replica from 3.0.4 to 7.0.15", ExitCode.PREFLIGHT, "a (3.0.4) cannot load b's RDB",
                "after: { source: detach }", p -> yaml("orders", p.endpoint("v3"), p.endpoint("b"), null)));
        cases.add(run("cluster mode", ExitCode.PREFLIGHT, "runs in cluster mode", "write a cluster spec",
                p -> yaml("orders", p.endpoint("cluster"), p.endpoint("b"), null)));
        cases.add(run("cutover mode failover on 5.0", ExitCode.PREFLIGHT, "mode failover needs Redis 6.2+",
                "mode: pause", p -> yaml("orders", p.endpoint("v5"), p.endpoint("b"), null, "cutover: { mode: failover }",
                        "after: { source: detach }")));
        cases.add(run("cutover mode drain without consent", ExitCode.PREFLIGHT, "pass --accept-divergence",
                "mode: pause", good("cutover: { mode: drain }")));
        cases.add(run("hook that does not exist", ExitCode.PREFLIGHT, "does not exist", "fix switch.command",
                good("switch: { type: hook, command: [\"./no-such-hook.sh\"] }")));
        cases.add(run("hook on no PATH", ExitCode.PREFLIGHT, "hook 'ferry-no-such-hook' is not on ferry's PATH",
                "give its path in switch.command", good("switch: { type: hook, command: [ferry-no-such-hook] }")));
        cases.add(prepared(run("hook whose interpreter is missing", ExitCode.PREFLIGHT,
                "names the interpreter /opt/ferry-none/python3 on its #! line", "install it, or fix the #! line",
                good("switch: { type: hook, command: [\"./hook.py\"] }")), BadInputIT::hookWithoutInterpreter));
        cases.add(run("exec prefix that cannot run", ExitCode.PREFLIGHT, "b's exec 'ferry-no-such-ssh root@b' cannot run 'true'",
                "fix target.exec in the spec", p -> yaml("orders", p.endpoint("a"),
                        p.endpoint("b", "exec: [ferry-no-such-ssh, root@b]"), p.endpoint("c"))));
        cases.add(run("check-endpoint nobody answers on", ExitCode.PREFLIGHT, "cannot be reached now",
                "fix switch.check-endpoint", good("switch: { type: hook, command: [\"true\"], check-endpoint: \"127.0.0.1:"
                        + ServerPool.closedPort() + "\" }")));
        cases.add(prepared(spec("password file readable by others", "open.pw is open to group or others (mode 0644",
                "chmod 600 ", good("auth: { password-file: open.pw }")), BadInputIT::openPasswordFile));
        // ---- paths ferry writes (exit 2), checked before any server is contacted ----
        for (String verb : List.of("run", "resume", "rollback", "preflight", "plan", "status")) {
            cases.add(prepared(args(spec("state dir is a file (" + verb + ")", "is a file, not a folder",
                    "give a folder, or move the file away", good()), verb.startsWith("r") ? new String[] {verb, "--yes"}
                    : new String[] {verb}), BadInputIT::stateDirIsAFile));
        }
        cases.add(args(spec("report in an unwritable place", "--report /proc/ferry/run.json: cannot be created: /proc is"
                + " not writable", "choose another place", good()), "run", "--yes", "--report", "/proc/ferry/run.json"));
        cases.add(args(spec("report is a folder", "--report /tmp: is a folder, not a file", "name a file", good()),
                "resume", "--yes", "--report", "/tmp"));
        cases.add(args(spec("mismatches under a file", "--mismatches /proc/version/m.txt: cannot be created: /proc/version is"
                + " a file", "fix the path", good()), "verify", "--mismatches", "/proc/version/m.txt"));
        cases.add(prepared(run("sentinel watching a", ExitCode.PREFLIGHT, "a Sentinel watches a", "SENTINEL REMOVE",
                good()), BadInputIT::fakeSentinel));
        // ---- journals (exit 6) and confirmation (exit 9) ----
        cases.add(args(run("resume without journal", ExitCode.JOURNAL, "nothing to resume", "ferry run SPEC", good()),
                "resume", "--yes"));
        cases.add(prepared(run("a FAILED journal", ExitCode.JOURNAL, "failed at step 'preflight'", "ferry resume",
                p -> yaml("orders", p.endpoint("a"), p.endpoint("full"), null)), BadInputIT::failOnce));
        cases.add(prepared(run("a journal from another spec", ExitCode.JOURNAL, "belongs to another spec named 'orders'",
                "its own name", good()), BadInputIT::journalOfOtherServers));
        cases.add(args(run("no terminal and no --yes", ExitCode.DECLINED, "no terminal", "pass --yes", good()), "run"));
        return cases.stream();
    }

    private static AutoCloseable fakeSentinel(ServerPool pool, Path spec, Path stateDir) throws Exception {
        // a Sentinel's footprint on its master: a named connection subscribed to the hello channel
        Jedis sub = pool.get("a").client();
        sub.clientSetname("sentinel-0a1b2c3d-pubsub");
        JedisPubSub listener = new JedisPubSub() {
        };
        Thread t = new Thread(() -> sub.subscribe(listener, "__sentinel__:hello"), "fake-sentinel");
        t.setDaemon(true);
        t.start();
        for (int i = 0; i < 100 && listener.getSubscribedChannels() == 0; i++) {
            Thread.sleep(10);
        }
        return () -> {
            listener.unsubscribe();
            t.join(2000);
            sub.close();
        };
    }

    private static AutoCloseable hookWithoutInterpreter(ServerPool pool, Path spec, Path stateDir) throws IOException {
        Path hook = Files.writeString(spec.resolveSibling("hook.py"), "#!/opt/ferry-none/python3\nprint('moved')\n");
        Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return () -> { };
    }

    private static AutoCloseable openPasswordFile(ServerPool pool, Path spec, Path stateDir) throws IOException {
        Path pw = Files.writeString(spec.resolveSibling("open.pw"), ServerPool.PASSWORD + "\n");
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return () -> { };
    }

    private static AutoCloseable stateDirIsAFile(ServerPool pool, Path spec, Path stateDir) throws IOException {
        Files.writeString(stateDir, "a file where the state dir should be\n");
        return () -> { };
    }

    private static AutoCloseable failOnce(ServerPool pool, Path spec, Path stateDir) {
        Cli.Result first = Cli.run("run", "--yes", spec.toString(), "--state-dir", stateDir.toString());
        assertThat(first.code()).as(first.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        return () -> { };
    }

    private static AutoCloseable journalOfOtherServers(ServerPool pool, Path spec, Path stateDir) throws IOException {
        Path other = spec.resolveSibling("other-" + spec.getFileName());
        Files.writeString(other, yaml("orders", pool.endpoint("a"), pool.endpoint("full"), null));
        Cli.Result first = Cli.run("run", "--yes", other.toString(), "--state-dir", stateDir.toString());
        assertThat(first.code()).as(first.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        return () -> { };
    }

    /** The before/after comparison is only worth something if it sees a change ferry could make. */
    @org.junit.jupiter.api.Test
    void snapshotSeesRoleConfigAndKeyChanges() {
        Map<String, String> before = pool.snapshot();
        try (Jedis b = pool.get("b").client()) {
            b.configSet("min-replicas-to-write", "3");
            assertThat(pool.snapshot()).isNotEqualTo(before);
            b.configSet("min-replicas-to-write", "0");
            b.select(5);
            b.set("k", "v");
            assertThat(pool.snapshot()).isNotEqualTo(before);
            b.del("k");
        }
        assertThat(pool.snapshot()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineAndNothingChanged(Case c) throws Exception {
        Path caseDir = Files.createTempDirectory(dir, "case");
        Path specFile = caseDir.resolve("orders.yaml");
        Files.writeString(specFile, c.yaml.apply(pool));
        Files.copy(dir.resolve("pool.pw"), caseDir.resolve("pool.pw"));
        Files.copy(dir.resolve("wrong.pw"), caseDir.resolve("wrong.pw"));
        Files.copy(dir.resolve("limited.pw"), caseDir.resolve("limited.pw"));
        Path stateDir = caseDir.resolve("state");
        Map<String, String> before = pool.snapshot();
        Cli.Result result;
        try (AutoCloseable undo = c.prepare == null ? () -> { } : c.prepare.apply(pool, specFile, stateDir)) {
            List<String> args = new ArrayList<>(c.args);
            args.add(args.indexOf(args.stream().filter(a -> !a.startsWith("-")).findFirst().orElseThrow()) + 1,
                    specFile.toString());
            args.addAll(List.of("--state-dir", stateDir.toString()));
            result = Cli.run(args.toArray(String[]::new));
        }
        System.out.println("[bad-input] " + c.name + " -> exit " + result.code() + ": " + result.errLine());
        assertThat(result.code()).as(result.toString()).isEqualTo(c.code.value());
        assertThat(result.errLine()).as(result.toString())
                .startsWith("ferry: ")
                .doesNotContain("\n")
                .contains(c.problem)
                .contains(c.fix)
                .doesNotContain(ServerPool.PASSWORD).doesNotContain(ServerPool.LIMITED_PASSWORD)
                .doesNotContain("s3cret-in-argv");
        assertThat(result.out()).doesNotContain("s3cret-in-argv").doesNotContain(ServerPool.PASSWORD);
        assertThat(pool.snapshot()).as("servers after " + c.name).isEqualTo(before);
    }
}
