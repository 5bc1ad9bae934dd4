package dev.ferry.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ferry.core.spec.SpecDocument.Scalar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a cluster spec: {@code name}, {@code cluster: { seeds, moves, parallel, old-nodes, ... }} and the
 * standalone spec's {@code auth}, {@code tls}, {@code rename} and {@code verify}, with the same parser and rules
 * (duplicate keys, aliases, {@code file:line: problem (fix)}).
 */
public final class ClusterLoader {
    private static final ObjectMapper PEEK = new ObjectMapper(new YAMLFactory());
    private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);
    private static final int DEFAULT_SWITCH_ATTEMPTS = 3;

    private ClusterLoader() {
    }

    @SpecSection(name = "cluster spec", value = "A spec with `cluster:` in place of `source`/`target`: every master"
            + " of a running Redis Cluster moved to a new node, shard by shard.")
    @JsonPropertyOrder({"name", "cluster", "auth", "tls", "rename", "verify"})
    static final class Document extends SpecDocument.Block {
        @SpecKey(value = "Names the move; each shard's journal is named after it (`<name>.shard-<n>`).",
                type = "string", required = true)
        @JsonProperty("name") Scalar name;
        @SpecKey(value = "The cluster and where each of its masters goes.", required = true)
        @JsonProperty("cluster") ClusterBlock cluster;
        @SpecKey("Where every node's password comes from (as in a standalone spec).")
        @JsonProperty("auth") SpecDocument.Auth auth;
        @SpecKey("TLS for every node (as in a standalone spec); left out, plain TCP.")
        @JsonProperty("tls") SpecDocument.Tls tls;
        @SpecKey(value = "Commands renamed on every node (as in a standalone spec).",
                type = "map of command name to command name")
        @JsonProperty("rename") Map<String, Scalar> rename;
        @SpecKey("Per shard: the new master against the old one before the switch, its replicas after it.")
        @JsonProperty("verify") SpecDocument.VerifyBlock verify;
    }

    @SpecSection(name = "cluster", value = "The running cluster (`seeds`) and one move per master.")
    @JsonPropertyOrder({"seeds", "moves", "parallel", "old-nodes", "max-pause", "catch-up", "settle-timeout",
            "switch-attempts"})
    static final class ClusterBlock extends SpecDocument.Block {
        @SpecKey(value = "Any nodes of the running cluster, as `host:port` (IPv6 as `[addr]:port`).",
                type = "list of strings", required = true)
        @JsonProperty("seeds") List<Scalar> seeds;
        @SpecKey(value = "Every master of the cluster, each to a new master and its new replicas.",
                type = "list of maps", required = true, keys = MoveBlock.class)
        @JsonProperty("moves") List<MoveBlock> moves;
        @SpecKey(value = "Shards moved at once (1 to 64); their failovers still run one at a time.", type = "integer",
                defaultValue = "1")
        @JsonProperty("parallel") Scalar parallel;
        @SpecKey(value = "`forget`: the old nodes leave every node's view and keep their data; `keep`: they stay as"
                + " replicas of the new masters.", type = "name", defaultValue = "forget", allowed = ClusterSpec.OldNodes.class)
        @JsonProperty("old-nodes") Scalar oldNodes;
        @SpecKey(value = "The longest an old master's writers may be held by the fenced switch (at most 60s).",
                type = "duration", defaultValue = "2s")
        @JsonProperty("max-pause") Scalar maxPause;
        @SpecKey(value = "How long a new node's initial sync may take before ferry gives up.", type = "duration",
                defaultValue = "1h")
        @JsonProperty("catch-up") Scalar catchUp;
        @SpecKey(value = "How long to wait until every node knows a new node as its old master's replica.",
                type = "duration", defaultValue = "1m")
        @JsonProperty("settle-timeout") Scalar settleTimeout;
        @SpecKey(value = "Fenced failovers a shard tries before it gives up (1 to 10).", type = "integer",
                defaultValue = "3")
        @JsonProperty("switch-attempts") Scalar switchAttempts;
    }

    @SpecSection(name = "cluster.moves entry", value = "One master and where it goes.")
    @JsonPropertyOrder({"from", "to", "replicas"})
    static final class MoveBlock extends SpecDocument.Block {
        @SpecKey(value = "A current master of the cluster, `host:port`.", type = "string", required = true)
        @JsonProperty("from") Scalar from;
        @SpecKey(value = "The new master: a running, empty, cluster-enabled server in no cluster yet.",
                type = "string", required = true)
        @JsonProperty("to") Scalar to;
        @SpecKey(value = "The shard's new replicas: running, empty, cluster-enabled servers.",
                type = "list of strings", defaultValue = "[]")
        @JsonProperty("replicas") List<Scalar> replicas;
    }

    /** Whether {@code file} is a cluster spec (a top-level {@code cluster:}); false when it cannot be read as YAML. */
    public static boolean isClusterSpec(Path file) {
        try {
            JsonNode root = PEEK.readTree(SpecLoader.read(file));
            return root != null && root.isObject() && root.has("cluster");
        } catch (Exception e) {
            return false; // the spec's own loader reports what is wrong with it, with its line
        }
    }

    public static ClusterSpec load(Path file) {
        return parse(SpecLoader.read(file), file);
    }

    public static ClusterSpec parse(String yaml, Path pretendFile) {
        Problems problems = new Problems(SpecLoader.fileName(pretendFile));
        Document doc = SpecLoader.bind(yaml, problems, Document.class,
                "the spec is empty (write name and cluster: { seeds, moves })");
        return new Converter(problems, pretendFile).convert(doc);
    }

    /** Checks the values of a bound {@link Document}, with {@link SpecConverter}'s rules for what they share. */
    private static final class Converter {
        private final Problems problems;
        private final SpecConverter shared;
        private final Path file;
        private Optional<AuthSpec> auth = Optional.empty();
        private Optional<TlsSpec> tls = Optional.empty();
        private Map<String, String> renames = Map.of();

        Converter(Problems problems, Path file) {
            this.problems = problems;
            this.shared = new SpecConverter(problems, file);
            this.file = file;
        }

        ClusterSpec convert(Document doc) {
            if (doc.name == null || doc.name.text().isBlank()) {
                throw problems.file("missing required key 'name' (add e.g. name: sessions)");
            }
            String name = shared.name(doc.name);
            ClusterBlock block = doc.cluster;
            if (block == null) {
                throw problems.at(doc.line, "cluster: is empty (write seeds: [\"10.0.0.1:6379\"] and moves: [...])");
            }
            auth = shared.auth(doc.auth, "auth");
            tls = shared.tls(doc.tls, "tls");
            renames = shared.renames(doc.rename, "rename", doc.line);
            List<Endpoint> seeds = seeds(block);
            List<ClusterSpec.Move> moves = moves(block);
            CutoverSpec cutover = cutover(block);
            int parallel = whole(block.parallel, "cluster.parallel", 1, 1, ClusterSpec.MAX_PARALLEL);
            int attempts = whole(block.switchAttempts, "cluster.switch-attempts", DEFAULT_SWITCH_ATTEMPTS, 1,
                    ClusterSpec.MAX_SWITCH_ATTEMPTS);
            ClusterSpec.OldNodes oldNodes = shared.choice(block.oldNodes, "cluster.old-nodes",
                    ClusterSpec.OldNodes.values(), ClusterSpec.OldNodes.FORGET);
            Duration settle = shared.duration(block.settleTimeout, "cluster.settle-timeout", DEFAULT_SETTLE);
            if (settle.isZero() || settle.isNegative()) {
                throw problems.at(block.settleTimeout.line(), "cluster.settle-timeout must be positive, was "
                        + block.settleTimeout.text() + " (e.g. settle-timeout: 60s)");
            }
            return new ClusterSpec(name, file, seeds, moves, parallel, oldNodes, cutover, settle, attempts,
                    shared.verify(doc.verify));
        }

        private List<Endpoint> seeds(ClusterBlock block) {
            if (block.seeds == null || block.seeds.isEmpty()) {
                throw problems.at(block.line, "cluster.seeds is missing or empty (name any node of the running"
                        + " cluster, e.g. seeds: [\"10.0.0.1:6379\"])");
            }
            return block.seeds.stream().map(seed -> node("source", seed, "cluster.seeds entry")).toList();
        }

        private List<ClusterSpec.Move> moves(ClusterBlock block) {
            if (block.moves == null || block.moves.isEmpty()) {
                throw problems.at(block.line, "cluster.moves is missing or empty (one entry per master, e.g. moves:"
                        + " [{ from: \"10.0.0.1:6379\", to: \"10.0.1.1:6379\" }])");
            }
            List<ClusterSpec.Move> moves = new ArrayList<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (MoveBlock move : block.moves) {
                moves.add(move(move, seen));
            }
            return moves;
        }

        private ClusterSpec.Move move(MoveBlock block, Map<String, Integer> seen) {
            if (block == null) {
                throw problems.file("an empty entry in cluster.moves (write { from: host:port, to: host:port })");
            }
            if (block.from == null || block.to == null) {
                throw problems.at(block.line, "a cluster.moves entry needs from and to (e.g. { from: \"10.0.0.1:6379\","
                        + " to: \"10.0.1.1:6379\", replicas: [\"10.0.1.4:6379\"] })");
            }
            Endpoint from = once(node("source", block.from, "cluster.moves from"), block.from, seen);
            Endpoint to = once(node("target", block.to, "cluster.moves to"), block.to, seen);
            List<Endpoint> replicas = new ArrayList<>();
            for (Scalar replica : block.replicas == null ? List.<Scalar>of() : block.replicas) {
                replicas.add(once(node("backup", replica, "cluster.moves replicas entry"), replica, seen));
            }
            return new ClusterSpec.Move(from, to, replicas);
        }

        /** A node named twice in the moves would be asked to be two things at once. */
        private Endpoint once(Endpoint node, Scalar written, Map<String, Integer> seen) {
            Integer earlier = seen.putIfAbsent(node.address(), written.line());
            if (earlier != null) {
                throw problems.at(written.line(), node.address() + " is named twice in cluster.moves (also on line "
                        + earlier + "; name each node once: it is one old master, one new master or one new replica)");
            }
            return node;
        }

        private Endpoint node(String role, Scalar written, String key) {
            HostPort address = HostPort.parse(written == null ? "" : written.text()).orElseThrow(() -> problems.at(
                    written == null ? 0 : written.line(), "invalid " + key + " '" + (written == null ? "" : written.text())
                            + "' (write host:port, e.g. \"10.0.0.1:6379\", or \"[fd00::1]:6379\" for IPv6)"));
            return new Endpoint(role, address.host(), address.port(), auth, List.of(), renames, tls);
        }

        private CutoverSpec cutover(ClusterBlock block) {
            CutoverSpec defaults = CutoverSpec.DEFAULT;
            Duration maxPause = shared.duration(block.maxPause, "cluster.max-pause", defaults.maxPause());
            Duration catchUp = shared.duration(block.catchUp, "cluster.catch-up", defaults.catchUp());
            // each limit is reported at its own key's line, with its own example
            checked(block.maxPause, block, "e.g. max-pause: 2s", () -> Checks.positive("cluster.max-pause", maxPause));
            checked(block.maxPause, block, "writes are held for the whole pause; e.g. max-pause: 2s",
                    () -> Checks.atMost("cluster.max-pause", maxPause, CutoverSpec.MAX_PAUSE_LIMIT));
            checked(block.catchUp, block, "e.g. catch-up: 1h", () -> Checks.positive("cluster.catch-up", catchUp));
            return new CutoverSpec(CutoverSpec.Mode.PAUSE, maxPause, catchUp, Duration.ZERO);
        }

        private void checked(Scalar value, ClusterBlock block, String hint, Runnable check) {
            try {
                check.run();
            } catch (IllegalArgumentException e) {
                throw problems.at(value != null ? value.line() : block.line, e.getMessage() + " (" + hint + ")");
            }
        }

        private int whole(Scalar value, String key, int fallback, int min, int max) {
            if (value == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(value.text().strip());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is allowed
            }
            throw problems.at(value.line(), key + " must be a whole number from " + min + " to " + max + ", was "
                    + value.text() + " (e.g. " + key.substring(key.indexOf('.') + 1) + ": " + fallback + ")");
        }
    }
}
