package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step 7 of a shard: the old master and the shard's old replicas leave the cluster ({@code old-nodes: forget}) or
 * stay as b's replicas ({@code keep}). They keep their data either way: CLUSTER RESET would erase it.
 *
 * <p>Forgetting: a node that forgets another blacklists it for 60s; if any node still knows it after that, its
 * gossip brings it back. So FORGET goes to every remaining node at once, every node is then checked, and a node
 * that cannot be reached fails the step by name (resume sends it FORGET when it is back). The forgotten nodes keep
 * their own view untouched: a node that no remaining node knows stays out, since its pings from an unknown sender are
 * answered but never believed. Had it forgotten the others in turn, then once its own 60s blacklist ran out the gossip
 * in its master's replies (it cannot forget its master) would make it MEET them all again, and they accept a MEET
 * from anyone (from the source, cluster.c clusterProcessGossipSection; docs/cluster-internals.md §6).
 */
public final class RetireOldNodes extends ShardStep {
    static final String OLD_IDS = "old";
    /** Kill point (FERRY_FAILPOINT): the first FORGETs sent, the old nodes blacklisted for 60s, not yet checked. */
    public static final String FAIL_FORGOTTEN_ONCE = "forget old nodes:first-forgets";
    /** Long enough for a node that re-learned a forgotten one by gossip to show it (gossip rides on pings). */
    /** How long after a round of FORGETs every node is asked again whether it still lists the forgotten nodes. */
    static final Duration RECHECK = Duration.ofMillis(500);
    public RetireOldNodes(Shard shard) {
        super(nameFor(shard.cluster().spec().oldNodes()), shard);
    }

    public static String nameFor(ClusterSpec.OldNodes fate) {
        return fate == ClusterSpec.OldNodes.FORGET ? "forget old nodes" : "keep old nodes";
    }

    private boolean forget() {
        return shard.cluster().spec().oldNodes() == ClusterSpec.OldNodes.FORGET;
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        if (!forget()) {
            return List.of(PlannedCommand.redis("old nodes", "CLUSTER NODES; INFO replication",
                    "check that a and the shard's old replicas follow b (Redis repointed them)"));
        }
        return List.of(PlannedCommand.redis("every remaining node", "CLUSTER FORGET <a's id>; CLUSTER FORGET <each old"
                        + " replica's id>", "all within the 60s blacklist, then checked on every node; the old"
                        + " nodes keep their data and their own view (nobody believes them any more)"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        String bId = Cluster.idOf(ctx.servers().b());
        Map<String, String> old = oldNodes(ctx, bId);
        if (!forget()) {
            return keep(ctx, bId, old);
        }
        Set<String> unreachable = Set.of();
        for (int round = 0; round < 3; round++) {
            List<RedisNode> remaining = remaining(ctx, old);
            unreachable = Cluster.forget(remaining, old.keySet());
            FailPoints.hit(FAIL_FORGOTTEN_ONCE);
            ctx.sleep(RECHECK);
            if (unreachable.isEmpty() && Cluster.nobodyLists(remaining, old.keySet())) {
                return Map.of("forgotten", old, "how to retire", "shut the old nodes down (they keep a copy of the"
                        + " data as of the switch; CLUSTER RESET would erase it)");
            }
        }
        if (!unreachable.isEmpty()) {
            throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": could not tell " + String.join(", ", unreachable)
                    + " to forget the old nodes " + old.values() + ": they are down or unreachable, and a node that still"
                    + " knows them brings them back by gossip; when they run again, ferry resume forgets them there too");
        }
        throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": the old nodes " + old.values()
                + " keep coming back into some nodes' views: check CLUSTER NODES on every node, then ferry resume");
    }

    /**
     * The old nodes' ids (a and its old replicas), journaled before the first FORGET: afterwards nobody lists them.
     * An old replica is taken whether b's view shows it following b or still a: it repoints itself only once it has
     * heard of the switch, and read too early b's view left it out, so it was never forgotten (measured: about one
     * run in two on 7.0.15). Plus {@link #returned} old nodes of shards moved earlier.
     */
    private Map<String, String> oldNodes(RunContext ctx, String bId) {
        Map<String, String> old = new LinkedHashMap<>();
        Object journaled = ctx.journal().facts(name()).get(OLD_IDS);
        if (journaled instanceof Map<?, ?> map) {
            map.forEach((id, address) -> old.put(String.valueOf(id), String.valueOf(address)));
        } else {
            NodesView view = Cluster.view(ctx.servers().b());
            Set<String> newIds = new LinkedHashSet<>();
            for (RedisNode n : shard.newNodes(ctx)) {
                newIds.add(Cluster.idOf(n));
            }
            String aId = Cluster.idOf(ctx.servers().a());
            old.put(aId, ctx.servers().a().address());
            for (String master : List.of(bId, aId)) {
                view.replicasOf(master).stream().filter(n -> !newIds.contains(n.id()))
                        .forEach(n -> old.put(n.id(), n.address()));
            }
            ctx.journal().stepFact(name(), "OLD_NODES", Map.of(OLD_IDS, old));
        }
        if (forget()) {
            returned(ctx, bId).forEach(old::putIfAbsent);
        }
        return old;
    }

    /**
     * Old nodes of shards moved before this one that are back in b's view: a replica of a new master that is no new
     * node of the spec. A forgotten node still running learns from the pings it still sends about nodes that joined
     * after it was forgotten (this shard's new nodes, which never blacklisted it) and MEETs them: they accept it.
     * Forgetting them again here, after the last new node joined, keeps them out.
     */
    private Map<String, String> returned(RunContext ctx, String bId) {
        Set<String> newAddresses = new LinkedHashSet<>();
        Set<String> newMasters = new LinkedHashSet<>();
        for (ClusterSpec.Move move : shard.cluster().spec().moves()) {
            move.newNodes().forEach(n -> newAddresses.add(n.address()));
            newMasters.add(move.to().address());
        }
        NodesView view = Cluster.view(ctx.servers().b());
        Set<String> newMasterIds = new LinkedHashSet<>();
        view.nodes().stream().filter(n -> n.master() && (n.myself() || newMasters.contains(n.address())))
                .forEach(n -> newMasterIds.add(n.id()));
        Map<String, String> back = new LinkedHashMap<>();
        view.nodes().stream().filter(n -> n.replica() && newMasterIds.contains(n.masterId()) && !n.myself()
                && !newAddresses.contains(n.address())).forEach(n -> back.put(n.id(), n.address()));
        return back;
    }

    private List<RedisNode> remaining(RunContext ctx, Map<String, String> old) {
        NodesView view = Cluster.view(ctx.servers().b());
        List<RedisNode> remaining = new ArrayList<>();
        for (ClusterNode n : view.nodes()) {
            if (!old.containsKey(n.id()) && !n.flags().contains("handshake")) {
                remaining.add(n.myself() ? ctx.servers().b() : shard.cluster().node(n.address()));
            }
        }
        return remaining;
    }

    private Map<String, Object> keep(RunContext ctx, String bId, Map<String, String> old) {
        List<RedisNode> nodes = old.values().stream().map(shard.cluster()::node).toList();
        shard.awaitViews(ctx, nodes, view -> view.myself().replicaOf(bId), shard.cluster().spec().settleTimeout(),
                "itself as b's replica", ExitCode.INCOMPLETE);
        return Map.of("kept", old);
    }
}
