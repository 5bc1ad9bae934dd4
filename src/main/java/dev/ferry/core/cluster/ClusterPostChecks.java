package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
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

    ClusterPostChecks(Cluster cluster) {
        this.cluster = cluster;
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
        List<RedisNode> members = cluster.members(view);
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
        facts.put("new masters", spec.moves().stream().map(ClusterSpec.Move::to).map(Endpoint::address).toList());
        return facts;
    }
}
