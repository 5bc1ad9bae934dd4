package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Redis Cluster to move: any of its nodes as {@code seeds}, and for every master of the cluster the new node it
 * moves to (with that shard's new replicas). Built by {@link ClusterLoader}; it holds where secrets come from,
 * never the secrets.
 *
 * @param settleTimeout how long a shard may wait for every node to know its new node as the old master's replica
 * @param switchAttempts how many fenced failovers a shard tries before it gives up (a vote can collide)
 */
public record ClusterSpec(String name, Path specFile, List<Endpoint> seeds, List<Move> moves, int parallel,
        OldNodes oldNodes, CutoverSpec cutover, Duration settleTimeout, int switchAttempts, VerifySpec verify) {

    public static final int MAX_PARALLEL = 64;
    public static final int MAX_SWITCH_ATTEMPTS = 10;

    public ClusterSpec {
        requireNonNull(name, "name");
        requireNonNull(specFile, "specFile");
        seeds = List.copyOf(seeds);
        moves = List.copyOf(moves);
        requireNonNull(oldNodes, "oldNodes");
        requireNonNull(cutover, "cutover");
        requireNonNull(settleTimeout, "settleTimeout");
        requireNonNull(verify, "verify");
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds must name at least one node");
        }
        if (moves.isEmpty()) {
            throw new IllegalArgumentException("moves must name at least one master");
        }
        Checks.positive("settle-timeout", settleTimeout);
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new IllegalArgumentException("parallel must be from 1 to " + MAX_PARALLEL + ", was " + parallel);
        }
        if (switchAttempts < 1 || switchAttempts > MAX_SWITCH_ATTEMPTS) {
            throw new IllegalArgumentException("switch-attempts must be from 1 to " + MAX_SWITCH_ATTEMPTS + ", was "
                    + switchAttempts);
        }
    }

    /** What becomes of a shard's old master and old replicas once the new master serves the slots. */
    public enum OldNodes {
        /** Out of every node's view (CLUSTER FORGET on each remaining node); they keep their data. */
        FORGET,
        /** They stay in the cluster as replicas of the new master. */
        KEEP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One master of the cluster and where it goes: {@code from} (a), {@code to} (b) and the new replicas (c, ...). */
    public record Move(Endpoint from, Endpoint to, List<Endpoint> replicas) {
        public Move {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            replicas = List.copyOf(replicas);
        }

        public List<Endpoint> newNodes() {
            List<Endpoint> nodes = new ArrayList<>();
            nodes.add(to);
            nodes.addAll(replicas);
            return nodes;
        }
    }

    /** The journal name of shard {@code index} (0-based) of this cluster move: {@code <name>.shard-<n>}. */
    public String shardName(int index) {
        return name + ".shard-" + (index + 1);
    }

    /**
     * Shard {@code index} as a standalone spec, so that the per-server machinery (connections, journal, ledger,
     * fence, sync, verify) serves a shard as it serves one move: a = the old master, b = the new one, c = its first
     * new replica. The cluster itself is the traffic switch, so the spec has none; a follows b ({@code after: replica})
     * only with {@code old-nodes: keep}.
     */
    public Spec shard(int index) {
        Move move = moves.get(index);
        After after = new After(oldNodes == OldNodes.KEEP ? After.SourceFate.REPLICA : After.SourceFate.DETACH);
        return new Spec(shardName(index), move.from(), move.to(), move.replicas().stream().findFirst(), cutover,
                Switch.NONE, after, specFile, verify, Sentinel.NONE);
    }

    /** Shard {@code index} moved back by rollback: a = the new master, b = the old one, no c; its own journal. */
    public Spec shardBack(int index) {
        Move move = moves.get(index);
        return new Spec(shardName(index) + ".back", move.to(), move.from(), Optional.empty(), cutover, Switch.NONE,
                new After(After.SourceFate.DETACH), specFile, new VerifySpec(VerifySpec.Mode.OFF, VerifySpec.Mode.OFF,
                VerifySpec.DEFAULT_SAMPLE), Sentinel.NONE);
    }

    /** Every node the spec names (seeds first), each address once. */
    public List<Endpoint> namedNodes() {
        Map<String, Endpoint> nodes = new LinkedHashMap<>();
        seeds.forEach(seed -> nodes.putIfAbsent(seed.address(), seed));
        for (Move move : moves) {
            nodes.putIfAbsent(move.from().address(), move.from());
            move.newNodes().forEach(node -> nodes.putIfAbsent(node.address(), node));
        }
        return List.copyOf(nodes.values());
    }

    /** The move whose {@code from} is {@code address}, if any. */
    public Optional<Integer> shardOf(String address) {
        for (int i = 0; i < moves.size(); i++) {
            if (moves.get(i).from().address().equals(address)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** Reads the password of {@code node}, or returns empty when it has none (errors name the file, never the secret). */
    public Optional<Credentials> credentials(Endpoint node, SecretSource secrets) {
        try {
            return node.auth().flatMap(auth -> auth.resolve(secrets));
        } catch (SpecException e) {
            Path fileName = specFile.getFileName();
            throw new SpecException((fileName != null ? fileName : specFile) + ": " + e.getMessage());
        }
    }

    /** A node the spec does not name (an old replica found in the cluster): the spec's top-level auth and TLS. */
    public Endpoint unnamed(String host, int port) {
        Endpoint seed = seeds.get(0);
        return new Endpoint("source", host, port, seed.auth(), List.of(), seed.renames(), seed.tls());
    }

    /** The spec for reports and JSON, as {@link Spec#redacted} is: no secret, only where secrets come from. */
    public Map<String, Object> redacted() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("spec-file", specFile.toString());
        view.put("seeds", seeds.stream().map(Endpoint::address).toList());
        view.put("moves", moves.stream().map(m -> Map.of("from", m.from().address(), "to", m.to().address(),
                "replicas", m.replicas().stream().map(Endpoint::address).toList())).toList());
        view.put("parallel", parallel);
        view.put("old-nodes", oldNodes.label());
        view.put("max-pause", Durations.format(cutover.maxPause()));
        return SpecView.freeze(view);
    }
}
