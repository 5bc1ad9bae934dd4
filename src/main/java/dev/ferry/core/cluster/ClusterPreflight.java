package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.Endpoint;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster-wide checks of a cluster move, all read-only: the cluster is healthy and agrees with itself, the
 * moves name exactly its masters, the new nodes are empty cluster nodes in no cluster, the version mix can run
 * together, and the failovers can get their votes. The per-shard server checks are the standalone ones
 * ({@code Preflight.shardChecks}).
 */
public final class ClusterPreflight {
    private final Cluster cluster;
    private final ClusterSpec spec;

    public ClusterPreflight(Cluster cluster) {
        this.cluster = cluster;
        this.spec = cluster.spec();
    }

    /** {@code resuming}: the new nodes may already be members of this cluster (a run got that far). */
    public List<CheckResult> check(boolean resuming) {
        CheckResult clusterMode = clusterEnabled(spec.seeds());
        if (clusterMode.failed()) {
            return List.of(clusterMode); // a standalone seed has no CLUSTER NODES to read the rest from
        }
        NodesView seen = cluster.seedView();
        List<RedisNode> members = cluster.members(seen);
        Map<String, NodesView> views = views(members);
        List<CheckResult> results = new ArrayList<>();
        results.add(clusterMode);
        results.add(state(members));
        results.add(slots(seen, views));
        results.add(agreement(seen, views));
        results.add(movesNameMasters(seen));
        results.add(mastersCovered(seen));
        if (!resuming) {
            spec.moves().forEach(move -> move.newNodes().forEach(e -> results.add(newNode(e, seen))));
        }
        results.add(votes(seen, views));
        results.add(nodeTimeouts(members));
        results.addAll(busMix(members));
        results.add(newReplicasLoad());
        results.add(keepFollows(seen));
        List<RedisNode> everyNode = withNewNodes(members);
        results.add(announceAddresses(everyNode));
        results.add(replicaMigration(members));
        results.add(forgottenStayOut(members));
        return results;
    }

    private Map<String, NodesView> views(List<RedisNode> members) {
        Map<String, NodesView> views = new LinkedHashMap<>();
        for (RedisNode n : members) {
            try {
                views.put(n.address(), Cluster.view(n));
            } catch (FerryException e) {
                throw new FerryException(ExitCode.CONNECTION, "cluster node " + n.address() + " (listed by "
                        + spec.seeds().get(0).address() + ") cannot be reached: " + e.getMessage()
                        + ": every node must answer before a move starts");
            }
        }
        return views;
    }

    private CheckResult clusterEnabled(List<Endpoint> seeds) {
        for (Endpoint seed : seeds) {
            if (!"1".equals(cluster.node(seed).info("cluster").get("cluster_enabled", "0"))) {
                return CheckResult.fail("cluster mode", "seed " + seed.address() + " runs without cluster mode",
                        "name nodes of the running cluster in cluster.seeds (a standalone master takes a standalone"
                                + " spec: source, target)");
            }
        }
        return CheckResult.pass("cluster mode", "the seeds are cluster nodes");
    }

    private static CheckResult state(List<RedisNode> members) {
        for (RedisNode n : members) {
            String state = Info.parse(n.callString("CLUSTER", "INFO")).get("cluster_state", "?");
            if (!"ok".equals(state)) {
                return CheckResult.fail("cluster state", n.address() + " reports cluster_state:" + state,
                        "move a healthy cluster only: fix the failing nodes or uncovered slots first");
            }
        }
        return CheckResult.pass("cluster state", "cluster_state:ok on all " + members.size() + " nodes");
    }

    private static CheckResult slots(NodesView seen, Map<String, NodesView> views) {
        BitSet missing = seen.uncovered();
        if (!missing.isEmpty()) {
            return CheckResult.fail("slots", missing.cardinality() + " slots are served by no master ("
                    + NodesView.ranges(missing) + ")", "assign them (CLUSTER ADDSLOTS) before moving the cluster");
        }
        for (NodesView view : views.values()) {
            for (ClusterNode n : view.nodes()) {
                if (!n.openSlots().isEmpty()) {
                    return CheckResult.fail("slots", view.seenFrom() + " shows slot migration in progress on "
                            + n.address() + " " + String.join(" ", n.openSlots()), "finish or cancel it first (redis-cli --cluster fix,"
                            + " or CLUSTER SETSLOT <slot> STABLE on both nodes)");
                }
            }
        }
        return CheckResult.pass("slots", "all 16384 slots served, none migrating or importing");
    }

    /** Every node's view of who serves which slots and who replicates whom matches the seed's. */
    private static CheckResult agreement(NodesView seen, Map<String, NodesView> views) {
        String expected = shape(seen);
        for (NodesView view : views.values()) {
            if (!shape(view).equals(expected)) {
                return CheckResult.fail("topology", view.seenFrom() + " sees the cluster differently from "
                        + seen.seenFrom() + " (" + shape(view) + " versus " + expected + ")",
                        "wait until the cluster has converged (CLUSTER NODES alike everywhere), then retry");
            }
            for (ClusterNode n : view.nodes()) {
                if (n.unhealthy()) {
                    return CheckResult.fail("topology", view.seenFrom() + " flags " + n.address() + " as " + n.flags(),
                            "fix or remove the failing node first (CLUSTER FORGET it everywhere if it is gone)");
                }
            }
        }
        return CheckResult.pass("topology", "all " + views.size() + " nodes agree on masters, replicas and slots");
    }

    private static String shape(NodesView view) {
        return view.nodes().stream().filter(n -> !n.flags().contains("handshake"))
                .map(n -> n.id().substring(0, 8) + (n.master() ? "=" + NodesView.ranges(n.slots()) : ">" + n.masterId()
                        .substring(0, Math.min(8, n.masterId().length()))))
                .sorted().collect(Collectors.joining(" "));
    }

    private CheckResult movesNameMasters(NodesView seen) {
        for (ClusterSpec.Move move : spec.moves()) {
            RedisNode from = cluster.node(move.from());
            ClusterNode me = Cluster.view(from).myself();
            if (me.replica()) {
                String master = seen.byId(me.masterId()).map(ClusterNode::address).orElse(me.masterId());
                return CheckResult.fail("moves", move.from().address() + " is a replica (of " + master + "), not a"
                        + " master", "name the master " + master + " in from:, or leave the replica out");
            }
            if (me.slotCount() == 0) {
                return CheckResult.fail("moves", move.from().address() + " is a master without slots",
                        "name only masters that serve slots in cluster.moves");
            }
        }
        return CheckResult.pass("moves", "every move names a master that serves slots");
    }

    private CheckResult mastersCovered(NodesView seen) {
        Set<String> moved = new LinkedHashSet<>();
        for (ClusterSpec.Move move : spec.moves()) {
            moved.add(Cluster.idOf(cluster.node(move.from())));
        }
        List<String> left = seen.shardMasters().stream().filter(m -> !moved.contains(m.id()))
                .map(ClusterNode::address).toList();
        if (!left.isEmpty()) {
            return CheckResult.fail("moves", "masters left out of cluster.moves: " + String.join(", ", left),
                    "add a move for each (from: " + left.get(0) + ", to: a new node)");
        }
        return CheckResult.pass("moves", "the moves cover all " + moved.size() + " masters");
    }

    private CheckResult newNode(Endpoint e, NodesView seen) {
        RedisNode n = cluster.node(e);
        String name = "new node " + e.address();
        Info info = n.info("cluster");
        if (!"1".equals(info.get("cluster_enabled", "0"))) {
            return CheckResult.fail(name, e.address() + " runs without cluster mode",
                    "start it with cluster-enabled yes (and its own cluster-config-file)");
        }
        NodesView view = Cluster.view(n);
        if (seen.byId(view.myself().id()).isPresent()) {
            return CheckResult.fail(name, e.address() + " is already a member of this cluster",
                    "name a node that is not in the cluster yet, or ferry resume a run that added it");
        }
        if (view.nodes().size() > 1 || view.myself().slotCount() > 0) {
            return CheckResult.fail(name, e.address() + " belongs to another cluster (it knows "
                    + (view.nodes().size() - 1) + " other nodes, serves " + view.myself().slotCount() + " slots)",
                    "use a fresh node, or run CLUSTER RESET HARD on it if its data is not needed");
        }
        long keys = n.totalKeys();
        if (keys > 0) {
            return CheckResult.fail(name, e.address() + " holds " + keys + (keys == 1 ? " key" : " keys"),
                    "use an empty node (ferry erases nothing it did not copy); FLUSHALL it if its data is not needed");
        }
        return CheckResult.pass(name, "empty cluster node in no cluster");
    }

    /** A failover needs a majority of the masters that serve slots; each must answer and be seen healthy. */
    private static CheckResult votes(NodesView seen, Map<String, NodesView> views) {
        List<ClusterNode> masters = seen.shardMasters();
        long healthy = masters.stream().filter(m -> views.containsKey(m.address()) || m.myself()).count();
        int needed = masters.size() / 2 + 1;
        if (healthy < needed) {
            return CheckResult.fail("votes", "only " + healthy + " of " + masters.size() + " masters answer; a"
                    + " failover needs " + needed, "bring the masters back before moving the cluster");
        }
        return CheckResult.pass("votes", healthy + " of " + masters.size() + " masters answer (a failover needs "
                + needed + ")");
    }

    private static CheckResult nodeTimeouts(List<RedisNode> members) {
        Map<String, String> timeouts = new LinkedHashMap<>();
        for (RedisNode n : members) {
            timeouts.put(n.address(), n.configGet("cluster-node-timeout").orElse("?"));
        }
        Set<String> distinct = new LinkedHashSet<>(timeouts.values());
        if (distinct.size() > 1) {
            return CheckResult.warn("node timeout", "cluster-node-timeout differs between nodes " + timeouts,
                    "set one value everywhere: failure detection and the vote spacing depend on it");
        }
        return CheckResult.pass("node timeout", "cluster-node-timeout " + distinct.iterator().next() + " ms everywhere");
    }

    /** The versions of every node that will be in the cluster at some point of the move. */
    private List<CheckResult> busMix(List<RedisNode> members) {
        List<ClusterBusMix.Member> mix = new ArrayList<>();
        for (RedisNode n : withNewNodes(members)) {
            // 7.0 sends ping extensions only with a hostname to announce (7.2+ always, 6.2- never)
            boolean hostnameMatters = n.version().atLeast(7, 0) && !n.version().atLeast(7, 2);
            mix.add(new ClusterBusMix.Member(n.address(), n.version(),
                    hostnameMatters ? n.configGet("cluster-announce-hostname").orElse("") : ""));
        }
        return ClusterBusMix.check(mix);
    }

    private List<RedisNode> withNewNodes(List<RedisNode> members) {
        List<RedisNode> all = new ArrayList<>(members);
        spec.moves().forEach(m -> m.newNodes().forEach(e -> all.add(cluster.node(e))));
        return all;
    }

    /** Every new replica of a shard, not only the first (the shard's c), can load its new master's RDB. */
    private CheckResult newReplicasLoad() {
        String name = "new replicas load";
        for (ClusterSpec.Move move : spec.moves()) {
            RedisVersion to = cluster.node(move.to()).version();
            for (Endpoint replica : move.replicas()) {
                RedisVersion version = cluster.node(replica).version();
                if (!version.canLoadRdbOf(to)) {
                    return CheckResult.fail(name, "new replica " + replica.address() + " (" + version + ", RDB "
                            + version.rdbVersion() + ") cannot load the RDB " + to.rdbVersion() + " of its master "
                            + move.to().address() + " (" + to + ")", "run the shard's new replicas on the new master's"
                            + " version or newer");
                }
            }
        }
        return CheckResult.pass(name, "every new replica can load its new master's RDB");
    }

    /**
     * With {@code old-nodes: keep} the old master and its old replicas stay replicas of the new master for good, so
     * any later full resync must load the new master's RDB (a partial resync at the switch is not enough).
     */
    private CheckResult keepFollows(NodesView seen) {
        String name = "old nodes follow";
        if (spec.oldNodes() != ClusterSpec.OldNodes.KEEP) {
            return CheckResult.pass(name, "old-nodes: forget: the old nodes leave the cluster with their data, they"
                    + " need not follow the new masters");
        }
        for (ClusterSpec.Move move : spec.moves()) {
            RedisNode from = cluster.node(move.from());
            RedisVersion to = cluster.node(move.to()).version();
            List<RedisNode> old = new ArrayList<>(List.of(from));
            seen.replicasOf(Cluster.idOf(from)).forEach(r -> old.add(cluster.node(r.address())));
            for (RedisNode n : old) {
                if (!n.version().canLoadRdbOf(to)) {
                    return CheckResult.fail(name, "old-nodes: keep, but " + n.address() + " (" + n.version() + ", RDB "
                            + n.version().rdbVersion() + ") cannot load the RDB " + to.rdbVersion() + " of its new master "
                            + move.to().address() + " (" + to + "): as a kept replica its next full resync would empty"
                            + " it and fail to load", "use old-nodes: forget (the old nodes leave the cluster and keep"
                            + " their data), or new nodes of the old nodes' version");
                }
            }
        }
        return CheckResult.pass(name, "old-nodes: keep: every old node can load its new master's RDB");
    }

    /** A node that announces a fixed address next to nodes announced by what their peers see is a split setup. */
    private static CheckResult announceAddresses(List<RedisNode> nodes) {
        String name = "announce addresses";
        Map<String, String> set = new LinkedHashMap<>();
        List<String> unset = new ArrayList<>();
        for (RedisNode n : nodes) {
            String ip = n.configGet("cluster-announce-ip").orElse("");
            if (ip.isEmpty()) {
                unset.add(n.address());
            } else {
                set.put(n.address(), ip);
            }
        }
        if (!set.isEmpty() && !unset.isEmpty()) {
            return CheckResult.warn(name, "cluster-announce-ip is set on " + set + " but not on "
                    + String.join(", ", unset.subList(0, Math.min(4, unset.size())))
                    + (unset.size() > 4 ? " and " + (unset.size() - 4) + " more" : ""), "set it on every node or on"
                    + " none: the others are announced by whatever address their peers see, which clients may not reach");
        }
        return CheckResult.pass(name, set.isEmpty() ? "cluster-announce-ip unset on every node"
                : "cluster-announce-ip set on every node");
    }

    /** What could move a new master to another master mid-move, and what ferry changes against it (journaled). */
    /**
     * Forgotten 4.0 nodes were seen back in the views of nodes that joined after the FORGET (docs/cluster.md,
     * limits); 5.0 and later stay out. Warned only: the post-checks catch it, and keep avoids it.
     */
    private CheckResult forgottenStayOut(List<RedisNode> members) {
        if (spec.oldNodes() != ClusterSpec.OldNodes.FORGET) {
            return CheckResult.pass("old nodes", "old-nodes: keep: the old nodes stay as replicas");
        }
        List<String> old = members.stream().filter(n -> !n.version().atLeast(5, 0)).map(RedisNode::address).toList();
        if (!old.isEmpty()) {
            return CheckResult.warn("old nodes", "forgotten nodes older than 5.0 (seen on 4.0.14) come back into the views of nodes that"
                    + " joined later: " + String.join(", ", old), "stop the old servers right after the move, or use"
                    + " old-nodes: keep");
        }
        return CheckResult.pass("old nodes", "old-nodes: forget: every remaining node forgets the old ones, which keep"
                + " their data");
    }

    private CheckResult replicaMigration(List<RedisNode> members) {
        Set<String> allow = new LinkedHashSet<>();
        Set<String> barrier = new LinkedHashSet<>();
        for (RedisNode n : members) {
            allow.add(n.configGet("cluster-allow-replica-migration").orElse("(6.2.2+ only)"));
            barrier.add(n.configGet(ReplicateOldMaster.BARRIER).orElse("?"));
        }
        return CheckResult.pass("replica migration", "the cluster has cluster-allow-replica-migration "
                + String.join("/", allow) + ", " + ReplicateOldMaster.BARRIER + " " + String.join("/", barrier)
                + "; ferry changes neither on the old nodes. On each new master, journaled in step replicate: "
                + ReplicateOldMaster.BARRIER + " " + ReplicateOldMaster.NO_MIGRATION + " (it never migrates to"
                + " another master; restored in step attach replicas) and " + ShardSwitch.NO_FAILOVER
                + " yes (no unfenced failover of its own; restored after the switch)");
    }

    /** Fails with the first failed check, as one line, naming how many more there are. */
    public static void requirePassed(List<CheckResult> results) {
        List<CheckResult> failed = results.stream().filter(CheckResult::failed).toList();
        if (!failed.isEmpty()) {
            throw new FerryException(ExitCode.PREFLIGHT, "preflight failed: " + failed.get(0).oneLine()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more: run ferry preflight SPEC)" : ""));
        }
    }
}
