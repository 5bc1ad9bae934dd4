package dev.ferry.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spec file as Jackson binds it: mutable, loosely typed, every value carrying its line. Jackson checks the
 * shape (keys, maps versus values, duplicates); {@link SpecConverter} checks the values, and needs the lines to
 * point at them.
 */
final class SpecDocument {
    private SpecDocument() {
    }

    /** The Jackson module that binds {@link Scalar}, {@link Argv} and the lines of {@link Block}s. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("ferry-spec");
        module.addDeserializer(Scalar.class, new ScalarDeserializer());
        module.addDeserializer(Argv.class, new ArgvDeserializer());
        module.setDeserializerModifier(new LineRecorder());
        return module;
    }

    /** The allowed keys of a block, in the order the documentation lists them. */
    static List<String> keysOf(Class<?> block) {
        JsonPropertyOrder order = block.getAnnotation(JsonPropertyOrder.class);
        return order == null ? List.of() : List.of(order.value());
    }

    /** A single value as written (numbers and booleans too, as text), with its line. */
    record Scalar(String text, int line) {
    }

    /** A command line: a list of strings, or one string split on whitespace. */
    record Argv(List<String> items, int line) {
    }

    /** A YAML map; {@code line} is where it starts. */
    abstract static class Block {
        int line;
    }

    // Each key carries its @SpecKey: SpecReference turns them into docs/spec-reference.md, and SpecReferenceTest
    // fails when a key the loader accepts has none.

    @SpecSection(name = "top level", value = "The spec file itself: which servers move and how.")
    @JsonPropertyOrder({"name", "source", "target", "backup", "auth", "tls", "rename", "cutover", "switch", "after", "verify", "sentinel", "sync"})
    static final class Root extends Block {
        @SpecKey(value = "Names the move; it becomes the journal's file name (1 to 64 letters, digits, '.', '_' or"
                + " '-', not just dots).", type = "string", required = true)
        @JsonProperty("name") Scalar name;
        @SpecKey(value = "a, the current master.", required = true)
        @JsonProperty("source") Host source;
        @SpecKey(value = "b, the new master; it must be empty (or `run --force-wipe-target`).", required = true)
        @JsonProperty("target") Host target;
        @SpecKey("c, b's replica; left out, b has no replica after the move.")
        @JsonProperty("backup") Host backup;
        @SpecKey("Where every server's password comes from, unless a host has its own `auth`.")
        @JsonProperty("auth") Auth auth;
        @SpecKey("TLS for every server, unless a host has its own `tls`; left out, plain TCP.")
        @JsonProperty("tls") Tls tls;
        @SpecKey(value = "Commands renamed in the servers' redis.conf (`rename-command`), original name to the name"
                + " ferry must send, e.g. `CONFIG: XCONFIG`; a host's own `rename` adds to it.",
                type = "map of command name to command name")
        @JsonProperty("rename") java.util.Map<String, Scalar> rename;
        @SpecKey("How writes move from a to b.")
        @JsonProperty("cutover") CutoverBlock cutover;
        @SpecKey("How clients are pointed from a to b; left out, someone else moves them (`type: none`).")
        @JsonProperty("switch") SwitchBlock switchBlock;
        @SpecKey("What becomes of a once b has taken over.")
        @JsonProperty("after") AfterBlock after;
        @SpecKey("The verify steps of a run.")
        @JsonProperty("verify") VerifyBlock verify;
        @SpecKey("What ferry does about Redis Sentinels watching a.")
        @JsonProperty("sentinel") SentinelBlock sentinel;
        @SpecKey("How b gets a's data before the cutover: replication, or a logical copy for sources that refuse it.")
        @JsonProperty("sync") SyncBlock sync;
    }

    @SpecSection(name = "source, target, backup", value = "One Redis server: a (`source`), b (`target`) or c"
            + " (`backup`).")
    @JsonPropertyOrder({"host", "port", "auth", "tls", "rename", "exec"})
    static final class Host extends Block {
        @SpecKey(value = "Host name or IP address; the port goes in `port`, also for IPv6.", type = "string",
                required = true)
        @JsonProperty("host") Scalar host;
        @SpecKey(value = "The server's port, 1 to 65535.", type = "integer", defaultValue = "6379")
        @JsonProperty("port") Scalar port;
        @SpecKey("This server's own auth, replacing the top-level one; `auth: {}` means no password.")
        @JsonProperty("auth") Auth auth;
        @SpecKey("This server's own TLS settings, replacing the top-level ones.")
        @JsonProperty("tls") Tls tls;
        @SpecKey(value = "Commands renamed on this server only, added to the top-level `rename`.",
                type = "map of command name to command name")
        @JsonProperty("rename") java.util.Map<String, Scalar> rename;
        @SpecKey(value = "Argv prefix that runs a shell command on this server's machine, e.g. `ssh root@10.0.0.1`"
                + " or `ip netns exec ns`; left out, commands run locally.",
                type = "list of strings, or one string split on spaces")
        @JsonProperty("exec") Argv exec;
    }

    @SpecSection(name = "auth", value = "Where a password comes from: the spec names an environment variable or a"
            + " file, never the password itself. At the top level, or inside `source`, `target`, `backup` or"
            + " `sentinel`.")
    @JsonPropertyOrder({"username", "password-env", "password-file"})
    static final class Auth extends Block {
        @SpecKey(value = "The ACL user (Redis 6+); left out, the default user. Needs a password key.",
                type = "string")
        @JsonProperty("username") Scalar username;
        @SpecKey(value = "The environment variable that holds the password (not together with `password-file`).",
                type = "environment variable name")
        @JsonProperty("password-env") Scalar passwordEnv;
        @SpecKey(value = "A file that holds the password, relative to the spec's folder (not together with"
                + " `password-env`).", type = "path")
        @JsonProperty("password-file") Scalar passwordFile;
    }

    @SpecSection(name = "tls", value = "How to talk TLS to a server; `tls: {}` is TLS trusting the JVM's CAs. At the"
            + " top level, or inside `source`, `target` or `backup`. Paths are relative to the spec's folder.")
    @JsonPropertyOrder({"ca-file", "cert-file", "key-file", "server-name"})
    static final class Tls extends Block {
        @SpecKey(value = "PEM file of the CAs to trust; left out, the JVM's CAs.", type = "path")
        @JsonProperty("ca-file") Scalar caFile;
        @SpecKey(value = "Client certificate (PEM), for servers with `tls-auth-clients yes`; needs `key-file`.",
                type = "path")
        @JsonProperty("cert-file") Scalar certFile;
        @SpecKey(value = "The client certificate's key: unencrypted PKCS#8 or PKCS#1 RSA PEM; needs `cert-file`.",
                type = "path")
        @JsonProperty("key-file") Scalar keyFile;
        @SpecKey(value = "The name to check the server's certificate against when it is not `host`.",
                type = "string")
        @JsonProperty("server-name") Scalar serverName;
    }

    @SpecSection(name = "cutover", value = "How writes move from a to b.")
    @JsonPropertyOrder({"mode", "max-pause", "catch-up", "drain-watch"})
    static final class CutoverBlock extends Block {
        @SpecKey(value = "How clients are stopped from writing to a while b catches up.", type = "name",
                defaultValue = "pause", allowed = CutoverSpec.Mode.class)
        @JsonProperty("mode") Scalar mode;
        @SpecKey(value = "The longest clients may be held; the cutover aborts rather than pause longer (at most 60s;"
                + " 5s by default with a keepalived switch).", type = "duration", defaultValue = "2s")
        @JsonProperty("max-pause") Scalar maxPause;
        @SpecKey(value = "How long the initial sync of b may take before ferry gives up.", type = "duration",
                defaultValue = "1h")
        @JsonProperty("catch-up") Scalar catchUp;
        @SpecKey(value = "How long to watch a for application clients after the switch; 0s skips it.",
                type = "duration", defaultValue = "10s")
        @JsonProperty("drain-watch") Scalar drainWatch;
    }

    @SpecSection(name = "switch", value = "How clients are pointed from a to b.")
    @JsonPropertyOrder({"type", "command", "timeout", "check-endpoint", "vip", "instance", "source", "target"})
    static final class SwitchBlock extends Block {
        @SpecKey(value = "Who moves the clients: nobody (none), a hook command, or keepalived moving a VIP.",
                type = "name", required = true, allowed = Switch.Type.class)
        @JsonProperty("type") Scalar type;
        @SpecKey(value = "hook only, and needed there: the command to run, from the spec's folder, with"
                + " FERRY_SOURCE_HOST/PORT and FERRY_TARGET_HOST/PORT in its environment.",
                type = "list of strings, or one string split on spaces")
        @JsonProperty("command") Argv command;
        @SpecKey(value = "hook and keepalived: how long the hook may run, or the VIP may take to move.",
                type = "duration", defaultValue = "30s")
        @JsonProperty("timeout") Scalar timeout;
        @SpecKey(value = "An address that reaches b once the switch is done; ferry waits until it answers with b's"
                + " run_id.", type = "host:port")
        @JsonProperty("check-endpoint") Scalar checkEndpoint;
        // keepalived's keys are kept raw until keepalived support defines them
        @SpecKey(value = "keepalived only, and needed there: the virtual IP that moves from a's host to b's.",
                type = "IP address")
        @JsonProperty("vip") Object vip;
        @SpecKey(value = "keepalived only, and needed there: the `vrrp_instance` in both configs.", type = "string")
        @JsonProperty("instance") Object instance;
        @SpecKey(value = "keepalived only: a's host (the VIP leaves it).", type = "map", keys = KeepalivedHost.class)
        @JsonProperty("source") Object source;
        @SpecKey(value = "keepalived only: b's host (the VIP moves to it).", type = "map", keys = KeepalivedHost.class)
        @JsonProperty("target") Object target;
    }

    /**
     * Not bound here: the {@code source} and {@code target} maps of a keepalived switch stay raw in the spec and are
     * checked by the keepalived switch. Their keys are documented here so the reference lists them.
     */
    @SpecSection(name = "switch.source, switch.target", value = "The keepalived side of a's host (`source`) and"
            + " b's (`target`), for `switch: { type: keepalived }`.")
    @JsonPropertyOrder({"exec", "config", "reload", "running", "handover-file"})
    static final class KeepalivedHost {
        @SpecKey(value = "Argv prefix that runs a shell command on that host; left out, the server's own `exec`.",
                type = "list of strings, or one string split on spaces")
        @JsonProperty("exec") Object exec;
        @SpecKey(value = "keepalived's config file on that host (`include` is followed).", type = "path",
                defaultValue = "/etc/keepalived/keepalived.conf")
        @JsonProperty("config") Object config;
        @SpecKey(value = "The shell command that makes keepalived reread its config.", type = "shell command",
                defaultValue = "systemctl reload keepalived")
        @JsonProperty("reload") Object reload;
        @SpecKey(value = "A shell command that succeeds while keepalived runs on that host.", type = "shell command",
                defaultValue = "pidof keepalived")
        @JsonProperty("running") Object running;
        @SpecKey(value = "A file both keepalived configs track (`ferry generate keepalived --handover-file`): that"
                + " host's instance goes to FAULT at once instead of waiting for the other's master-down timer, while"
                + " the host holds the VIP on lo behind a TCP-reset rule. On `source` for `ferry run`; on `target` too"
                + " for the same hand-over back in `ferry rollback`.", type = "path")
        @JsonProperty("handover-file") Object handoverFile;
    }

    @SpecSection(name = "sentinel", value = "What ferry does about Redis Sentinels watching a: left alone, they"
            + " would reconfigure or fail over behind ferry's back.")
    @JsonPropertyOrder({"action", "master-name", "hosts", "auth"})
    static final class SentinelBlock extends Block {
        @SpecKey(value = "fail: preflight refuses a watched a; ignore: a warning; move: ferry has the listed"
                + " Sentinels watch b instead (the default when `master-name` or `hosts` is given).", type = "name",
                defaultValue = "fail", allowed = Sentinel.Action.class)
        @JsonProperty("action") Scalar action;
        @SpecKey(value = "move only, and needed there: the name the Sentinels know a by (`sentinel monitor <name>`).",
                type = "string")
        @JsonProperty("master-name") Scalar masterName;
        @SpecKey(value = "move only, and needed there: every Sentinel that watches a.",
                type = "list of host:port, or one string split on spaces")
        @JsonProperty("hosts") Argv hosts;
        @SpecKey("move only: the Sentinels' own password (`requirepass` in sentinel.conf), not the servers'; left"
                + " out, none. What the Sentinels use to log in to b is b's auth.")
        @JsonProperty("auth") Auth auth;
    }

    @SpecSection(name = "after", value = "What becomes of the old master a once b has taken over.")
    @JsonPropertyOrder({"source"})
    static final class AfterBlock extends Block {
        @SpecKey(value = "replica: a follows b, so another ferry run can move back (toward a b whose RDB a cannot"
                + " load, by partial resync only; a is kept detached if that is not possible); detach: a keeps its"
                + " data, fenced, outside the new topology.", type = "name", defaultValue = "replica",
                allowed = After.SourceFate.class)
        @JsonProperty("source") Scalar source;
    }

    @SpecSection(name = "verify", value = "The verify steps of a run: b against a before the cutover, c against b"
            + " after it. `ferry verify --full` compares everything on demand.")
    @JsonPropertyOrder({"before", "after", "sample"})
    static final class VerifyBlock extends Block {
        @SpecKey(value = "Compare b with a before the cutover: `sample` random keys, every key, or not at all.",
                type = "name", defaultValue = "sample", allowed = VerifySpec.Mode.class)
        @JsonProperty("before") Scalar before;
        @SpecKey(value = "Compare c with b after the move, the same way (and a with b when a follows b and there is"
                + " a c).", type = "name", defaultValue = "sample",
                allowed = VerifySpec.Mode.class)
        @JsonProperty("after") Scalar after;
        @SpecKey(value = "How many random keys a sample compares, 1 to 100000000.", type = "integer",
                defaultValue = "1000")
        @JsonProperty("sample") Scalar sample;
    }

    @SpecSection(name = "sync", value = "How b gets a's data before the cutover. Managed services (ElastiCache,"
            + " Memorystore, Azure) refuse SYNC, PSYNC, REPLICAOF or CONFIG, so b cannot replicate from a there.")
    @JsonPropertyOrder({"method", "max-ops"})
    static final class SyncBlock extends Block {
        @SpecKey(value = "replication: b replicates from a; logical: SCAN + DUMP/RESTORE with changes followed through"
                + " keyspace notifications (a needs `notify-keyspace-events KEA`, `after: { source: detach }`, and the"
                + " cutover's fence is a timed `CLIENT PAUSE WRITE`: `run --accept-timed-fence`); auto: the preflight"
                + " probes a's commands and picks replication where a allows it, logical where it does not, and says why.",
                type = "name", defaultValue = "auto", allowed = SyncSpec.Method.class)
        @JsonProperty("method") Scalar method;
        @SpecKey(value = "logical only: at most this many commands a second (SCAN, DUMP, PTTL on a; RESTORE, DEL on b),"
                + " as `ferry verify --max-ops`; 0: no limit.", type = "integer", defaultValue = "0")
        @JsonProperty("max-ops") Scalar maxOps;
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static final class ScalarDeserializer extends StdDeserializer<Scalar> {
        private static final long serialVersionUID = 1L;

        ScalarDeserializer() {
            super(Scalar.class);
        }

        @Override
        public Scalar deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken().isScalarValue()) {
                return new Scalar(parser.getText(), line(parser));
            }
            return (Scalar) context.handleUnexpectedToken(Scalar.class, parser);
        }
    }

    private static final class ArgvDeserializer extends StdDeserializer<Argv> {
        private static final long serialVersionUID = 1L;

        ArgvDeserializer() {
            super(Argv.class);
        }

        @Override
        public Argv deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            int line = line(parser);
            if (parser.currentToken().isScalarValue()) {
                String text = parser.getText().strip();
                return new Argv(text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+")), line);
            }
            if (!parser.isExpectedStartArrayToken()) {
                return (Argv) context.handleUnexpectedToken(Argv.class, parser);
            }
            List<String> items = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_NULL || !token.isScalarValue()) {
                    return (Argv) context.handleUnexpectedToken(Argv.class, parser);
                }
                items.add(parser.getText());
            }
            return new Argv(items, line);
        }
    }

    /** Wraps the bean deserializer of every {@link Block} to note the line where its map starts. */
    private static final class LineRecorder extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                JsonDeserializer<?> deserializer) {
            return Block.class.isAssignableFrom(description.getBeanClass())
                    ? new LineRecording(deserializer) : deserializer;
        }
    }

    private static final class LineRecording extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        LineRecording(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new LineRecording(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            int line = line(parser);
            Object value = super.deserialize(parser, context);
            if (value instanceof Block block) {
                block.line = line;
            }
            return value;
        }
    }
}
