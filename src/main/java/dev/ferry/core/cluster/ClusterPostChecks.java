package dev.ferry.core.cluster;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.Endpoint;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** After every shard: each slot is served by a new master, and every node says cluster_state:ok. */
final class ClusterPostChecks {
    private final Cluster cluster;
    private final List<Journal> shardJournals;

    ClusterPostChecks(Cluster cluster, List<Journal> shardJournals) {
        this.cluster = cluster;
        this.shardJournals = shardJournals;
    }

    Map<String, Object> run() {
        ClusterSpec spec = cluster.spec();
        Set<String> newMasters = new LinkedHashSet<>();
        for (ClusterSpec.Move move : spec.moves()) {
            newMasters.add(Cluster.idOf(cluster.node(move.to())));
        }
        RedisNode first = cluster.node(spec.moves().get(0).to());
        NodesView view = Cluster.view(first);
        BitSet served = new BitSet(ClusterNode.SLOTS);
        view.masters().stream().filter(m -> newMasters.contains(m.id())).forEach(m -> served.or(m.slots()));
        if (served.cardinality() != ClusterNode.SLOTS) {
            BitSet missing = new BitSet(ClusterNode.SLOTS);
            missing.set(0, ClusterNode.SLOTS);
            missing.andNot(served);
            throw new FerryException(ExitCode.INCOMPLETE, "after the move " + missing.cardinality() + " slots are not"
                    + " served by a new master (" + NodesView.ranges(missing) + "): check CLUSTER NODES, then ferry resume");
        }
        requireForgottenStayOut(view);
        List<RedisNode> members = cluster.members(Cluster.view(first));
        for (RedisNode n : members) {
            String state = Info.parse(n.callString("CLUSTER", "INFO")).get("cluster_state", "?");
            if (!"ok".equals(state)) {
                throw new FerryException(ExitCode.INCOMPLETE, n.address() + " reports cluster_state:" + state
                        + " after the move: check CLUSTER INFO there, then ferry resume");
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("slots", "all 16384 served by new masters");
        facts.put("nodes", members.size());
        facts.put("forgotten nodes", "listed by no remaining node");
        facts.put("new masters", spec.moves().stream().map(ClusterSpec.Move::to).map(Endpoint::address).toList());
        return facts;
    }

    /**
     * Nodes that a shard forgot must stay forgotten: a node that still knew one gossips it back once the 60s
     * blacklist ends. Checked on every remaining node, by the ids the shards journaled before forgetting.
     */
    private void requireForgottenStayOut(NodesView view) {
        Set<String> forgotten = new LinkedHashSet<>();
        String step = RetireOldNodes.nameFor(ClusterSpec.OldNodes.FORGET);
        for (Journal journal : shardJournals) {
            if (journal.facts(step).get(RetireOldNodes.OLD_IDS) instanceof Map<?, ?> old) {
                old.keySet().forEach(id -> forgotten.add(String.valueOf(id)));
            }
        }
        List<RedisNode> members = cluster.members(view, forgotten);
        if (listedAgain(members, forgotten).isEmpty()) {
            return;
        }
        Cluster.forget(members, forgotten); // once more, everywhere at once; a node down is named by the check after
        Ticker.system().nap(java.time.Duration.ofSeconds(2));
        List<String> back = listedAgain(members, forgotten);
        if (!back.isEmpty()) {
            throw new FerryException(ExitCode.INCOMPLETE, "forgotten old nodes came back into the views of " + back
                    + " (some node still knew them and gossiped them back): stop the old servers (SHUTDOWN), then"
                    + " ferry resume forgets them once more");
        }
    }

    private static List<String> listedAgain(List<RedisNode> members, Set<String> forgotten) {
        List<String> listing = new java.util.ArrayList<>();
        for (RedisNode n : members) {
            NodesView view = Cluster.view(n);
            if (forgotten.stream().anyMatch(id -> view.byId(id).isPresent())) {
                listing.add(n.address());
            }
        }
        return listing;
    }

}
