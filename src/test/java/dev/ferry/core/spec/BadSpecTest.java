package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad spec fails with one line that starts with the file (and line), names the key and says how to fix it. */
class BadSpecTest {
    private static final String SECRET = "hunter2";
    private static final String SENTINEL = "sentinel: { master-name: orders, hosts: [\"10.0.0.5:26379\"], ";

    // three valid lines; most cases append to them, so their own lines start at 4
    private static final String BASE = """
            name: orders-cache
            source: { host: 10.0.0.1 }
            target: { host: 10.0.0.2 }
            """;

    record Bad(String why, String yaml, String start, List<String> fragments) {
        @Override
        public String toString() {
            return why;
        }
    }

    private static Bad bad(String why, String yaml, String start, String... fragments) {
        return new Bad(why, yaml, start, List.of(fragments));
    }

    static Stream<Bad> badSpecs() {
        return Stream.of(
                // YAML itself
                bad("unclosed flow map", "name: x\nsource: { host: a\ntarget: { host: b }\n", "orders.yaml:3: ",
                        "malformed YAML", "flow mapping that starts on line 2", "check the indentation"),
                bad("bad indentation", BASE + "cutover:\n  mode: pause\n   max-pause: 2s\n", "orders.yaml:6: ",
                        "malformed YAML", "mapping values are not allowed", "check the indentation"),
                bad("unterminated quote", BASE + "switch: { type: hook, command: \"./x }\n", "orders.yaml:",
                        "malformed YAML", "quoted scalar", "check the indentation"),
                bad("empty file", "", "orders.yaml: ", "the spec is empty", "write at least name, source and target"),
                bad("comments only", "# nothing yet\n\n", "orders.yaml: ", "the spec is empty"),
                bad("top level is a list", "- a\n- b\n", "orders.yaml:1: ",
                        "wrong type at the top level", "expected a map of keys (name, source, target"),
                bad("two documents", BASE + "---\nname: other\n", "orders.yaml:5: ",
                        "more than one YAML document", "remove the '---' above"),
                bad("duplicate top-level key", BASE + "name: again\n", "orders.yaml:4: ",
                        "duplicate key 'name' at the top level", "keep only one"),
                bad("duplicate nested key", BASE + "cutover:\n  mode: pause\n  mode: drain\n", "orders.yaml:6: ",
                        "duplicate key 'mode' in cutover", "keep only one"),
                // unknown keys
                bad("unknown key in cutover", BASE + "cutover:\n  mode: pause\n  max-paus: 2s\n", "orders.yaml:6: ",
                        "unknown key 'max-paus' in cutover (did you mean 'max-pause'? "
                                + "allowed: mode, max-pause, catch-up, drain-watch)"),
                bad("unknown top-level key", "name: x\nsorce: { host: a }\ntarget: { host: b }\n", "orders.yaml:2: ",
                        "unknown key 'sorce' at the top level", "did you mean 'source'?",
                        "allowed: name, source, target, backup, auth, tls, rename, cutover, switch, after"),
                bad("unknown host key", "name: x\nsource: { host: a, prot: 6380 }\ntarget: { host: b }\n",
                        "orders.yaml:2: ", "unknown key 'prot' in source", "did you mean 'port'?",
                        "allowed: host, port, auth, tls, rename, exec"),
                bad("unknown key far from any", BASE + "colour: red\n", "orders.yaml:4: ",
                        "unknown key 'colour' at the top level (allowed: name, source"),
                bad("camelCase key", BASE + "cutover: { maxPause: 2s }\n", "orders.yaml:4: ",
                        "unknown key 'maxPause' in cutover", "did you mean 'max-pause'?"),
                bad("unknown key in host auth", BASE.replace("target: { host: 10.0.0.2 }",
                        "target: { host: 10.0.0.2, auth: { user: app } }"), "orders.yaml:3: ",
                        "unknown key 'user' in target.auth", "allowed: username, password-env, password-file"),
                // secrets
                bad("password in auth", BASE + "auth:\n  username: app\n  password: " + SECRET + "\n",
                        "orders.yaml:6: ", "never write a password in the spec ('password' in auth)",
                        "password-env", "password-file"),
                bad("password on a host",
                        "name: x\nsource: { host: a, password: " + SECRET + " }\ntarget: { host: b }\n",
                        "orders.yaml:2: ", "never write a password", "in source", "password-env"),
                bad("password pasted into password-env", BASE + "auth: { password-env: \"" + SECRET + "!\" }\n",
                        "orders.yaml:4: ", "auth.password-env must be the name of an environment variable",
                        "e.g. password-env: REDIS_PASSWORD"),
                bad("both password sources", BASE + "auth: { password-env: PW, password-file: pw.txt }\n",
                        "orders.yaml:4: ", "auth has both password-env and password-file", "keep one"),
                bad("username without password", BASE + "auth: { username: app }\n", "orders.yaml:4: ",
                        "auth has a username but no password", "add password-env"),
                // the Sentinels' own password: the servers' rules and messages, under sentinel.auth
                bad("password in sentinel auth", BASE + SENTINEL + "auth: { password: " + SECRET + " } }\n",
                        "orders.yaml:4: ", "never write a password in the spec ('password' in sentinel.auth)"),
                bad("password pasted into sentinel password-env", BASE + SENTINEL + "auth: { password-env: \""
                        + SECRET + "!\" } }\n", "orders.yaml:4: ",
                        "sentinel.auth.password-env must be the name of an environment variable"),
                bad("both sentinel password sources", BASE + SENTINEL + "auth: { password-env: PW, password-file: pw }"
                        + " }\n", "orders.yaml:4: ", "sentinel.auth has both password-env and password-file"),
                bad("sentinel username without password", BASE + SENTINEL + "auth: { username: sn } }\n",
                        "orders.yaml:4: ", "sentinel.auth has a username but no password", "add password-env"),
                bad("unknown key in sentinel auth", BASE + SENTINEL + "auth: { pass-env: PW } }\n",
                        "orders.yaml:4: ", "unknown key 'pass-env' in sentinel.auth",
                        "allowed: username, password-env, password-file"),
                bad("sentinel auth without move", BASE + "sentinel: { action: ignore, auth: { password-env: PW } }\n",
                        "orders.yaml:4: ", "sentinel.master-name, hosts and auth apply only to action move"),
                bad("sentinel auth alone", BASE + "sentinel: { auth: { password-env: PW } }\n", "orders.yaml:4: ",
                        "sentinel needs master-name and hosts", "master-name: orders"),
                // wrong types
                bad("host entry is a string", "name: x\nsource: 10.0.0.1:6379\ntarget: { host: b }\n",
                        "orders.yaml:2: ", "wrong type for 'source'",
                        "expected a map like { host: 10.0.0.1, port: 6379 }"),
                bad("host is a list", BASE.replace("host: 10.0.0.2", "host: [10.0.0.2]"), "orders.yaml:3: ",
                        "wrong type for 'target.host'", "expected a single value"),
                bad("cutover is a list", BASE + "cutover: [pause]\n", "orders.yaml:4: ",
                        "wrong type for 'cutover'", "expected a map like { mode: pause"),
                bad("command holds a map", BASE + "switch: { type: hook, command: [./x, { a: b }] }\n",
                        "orders.yaml:4: ", "wrong type for 'switch.command'", "expected a list of strings"),
                bad("exec is a map", BASE.replace("host: 10.0.0.1", "host: 10.0.0.1, exec: { ssh: a }"),
                        "orders.yaml:2: ", "wrong type for 'source.exec'", "a list of strings"),
                // missing keys
                bad("missing name", "source: { host: a }\ntarget: { host: b }\n", "orders.yaml: ",
                        "missing required key 'name'", "add e.g. name: orders-cache"),
                bad("missing source and target", "name: x\n", "orders.yaml: ",
                        "missing required keys 'source', 'target'", "add e.g. source: { host: 10.0.0.1"),
                bad("missing host", "name: x\nsource: { host: a }\ntarget: { port: 6380 }\n", "orders.yaml:3: ",
                        "missing required key 'host' in target", "add e.g. host: 10.0.0.1"),
                bad("empty host entry", "name: x\nsource:\ntarget: { host: b }\n", "orders.yaml: ",
                        "missing required key 'source'"),
                bad("empty name", "name:\nsource: { host: a }\ntarget: { host: b }\n", "orders.yaml: ",
                        "missing required key 'name'"),
                bad("YAML alias", "name: x\nsource: &a { host: a }\ntarget: { host: b }\nbackup: *a\n",
                        "orders.yaml:4: ", "YAML alias *a in backup is not supported", "write the value itself"),
                // values
                bad("bad name", "name: orders cache\nsource: { host: a }\ntarget: { host: b }\n", "orders.yaml:1: ",
                        "invalid name 'orders cache'", "letters, digits"),
                bad("dot-dot name", "name: ..\nsource: { host: a }\ntarget: { host: b }\n", "orders.yaml:1: ",
                        "invalid name '..'", "file name"),
                bad("port too large", BASE.replace("host: 10.0.0.2", "host: 10.0.0.2, port: 70000"),
                        "orders.yaml:3: ", "target.port must be between 1 and 65535, was 70000", "6379"),
                bad("port not a number", BASE.replace("host: 10.0.0.2", "host: 10.0.0.2, port: redis"),
                        "orders.yaml:3: ", "invalid target.port 'redis'", "write a whole number"),
                bad("port in host", BASE.replace("host: 10.0.0.2", "host: \"10.0.0.2:6380\""), "orders.yaml:3: ",
                        "invalid target.host '10.0.0.2:6380'", "host: 10.0.0.2, port: 6380"),
                bad("same source and target", "name: x\nsource: { host: a }\ntarget: { host: A, port: 6379 }\n",
                        "orders.yaml:3: ", "source and target are the same server", "different host:port"),
                bad("backup is the source", BASE + "backup: { host: 10.0.0.1 }\n", "orders.yaml:4: ",
                        "source and backup are the same server 10.0.0.1:6379", "different host:port"),
                // durations
                bad("bare number duration", BASE + "cutover: { max-pause: 2 }\n", "orders.yaml:4: ",
                        "invalid cutover.max-pause", "write a unit: 2s"),
                bad("spelled-out duration", BASE + "cutover: { catch-up: 2 minutes }\n", "orders.yaml:4: ",
                        "invalid cutover.catch-up", "write e.g. 500ms, 2s"),
                bad("zero max-pause", BASE + "cutover: { max-pause: 0s }\n", "orders.yaml:4: ",
                        "cutover.max-pause must be positive, was 0s", "write e.g. max-pause: 2s"),
                bad("absurd max-pause", BASE + "cutover:\n  mode: pause\n  max-pause: 5m\n", "orders.yaml:6: ",
                        "cutover.max-pause is absurdly large: must be at most 1m, was 5m", "max-pause: 2s"),
                bad("zero catch-up", BASE + "cutover: { catch-up: 0ms }\n", "orders.yaml:4: ",
                        "cutover.catch-up must be positive, was 0s", "catch-up: 1h"),
                bad("negative drain-watch", BASE + "cutover: { drain-watch: -1s }\n", "orders.yaml:4: ",
                        "invalid cutover.drain-watch", "write e.g."),
                bad("bare number timeout", BASE + "switch: { type: hook, command: ./x, timeout: 30 }\n",
                        "orders.yaml:4: ", "invalid switch.timeout", "write a unit: 30s"),
                // choices
                bad("unknown mode", BASE + "cutover: { mode: pauze }\n", "orders.yaml:4: ",
                        "invalid cutover.mode 'pauze'", "did you mean 'pause'?", "allowed: pause, failover, drain"),
                bad("unknown switch type", BASE + "switch: { type: hok, command: ./x }\n", "orders.yaml:4: ",
                        "invalid switch.type 'hok'", "did you mean 'hook'?", "allowed: none, hook, keepalived"),
                bad("unknown fate", BASE + "after: { source: delete }\n", "orders.yaml:4: ",
                        "invalid after.source 'delete'", "allowed: replica, detach"),
                // switch
                bad("switch without type", BASE + "switch:\n  command: ./x\n", "orders.yaml:5: ",
                        "missing required key 'type' in switch", "add type: none, hook or keepalived"),
                bad("hook without command", BASE + "switch: { type: hook }\n", "orders.yaml:4: ",
                        "switch type hook needs a command", "command: [\"./repoint.sh\"]"),
                bad("hook with empty command", BASE + "switch:\n  type: hook\n  command: []\n", "orders.yaml:6: ",
                        "switch type hook needs a command"),
                bad("keepalived key on a hook", BASE + "switch: { type: hook, command: ./x, vip: 10.0.0.9 }\n",
                        "orders.yaml:4: ", "switch.vip applies only to type keepalived", "set type: keepalived"),
                bad("command without hook", BASE + "switch:\n  type: none\n  command: ./x\n", "orders.yaml:6: ",
                        "switch.command applies only to type hook", "set type: hook"),
                bad("check-endpoint without port", BASE + "switch: { type: none, check-endpoint: 10.0.0.100 }\n",
                        "orders.yaml:4: ", "invalid switch.check-endpoint '10.0.0.100'", "write host:port"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void failsWithOneLineThatNamesTheProblemAndTheFix(Bad bad) {
        SpecException error = catchThrowableOfType(SpecException.class,
                () -> SpecLoader.parse(bad.yaml(), Path.of("/specs/orders.yaml")));

        assertThat(error).as("no error for: " + bad.why()).isNotNull();
        assertThat(error.getMessage())
                .startsWith(bad.start())
                .doesNotContain("\n", "\r", SECRET, "com.fasterxml", "Exception")
                .contains(bad.fragments());
    }
}
