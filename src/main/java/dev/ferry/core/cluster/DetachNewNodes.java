package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rollback's last step for a shard: the nodes the move added (new master, new replicas) leave the cluster, as a
 * standalone rollback detaches b and c: every other node forgets them (they are not told to forget the others: a
 * node that still knows its master learns the rest from its gossip and would MEET them back), and they keep their copy (CLUSTER RESET HARD on them empties them for a new run). Refused while one of them
 * serves slots: the shard must be switched back first.
 */
public final class DetachNewNodes extends ShardStep {
    public static final String NAME = "detach new nodes";

    public DetachNewNodes(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return List.of(PlannedCommand.redis("every other node", "CLUSTER FORGET <each new node's id>",
                        "the new nodes leave every node's view; they keep their copy"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        Map<String, String> added = new LinkedHashMap<>();
        for (RedisNode n : shard.addedNodes()) {
            ClusterNode me = Cluster.view(n).myself();
            if (me.slotCount() > 0) {
                throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": " + n.address() + " serves "
                        + me.slotCount() + " slots: it cannot leave the cluster before the shard is switched back;"
                        + " run ferry rollback again (it switches back first)");
            }
            added.put(me.id(), n.address());
        }
        // as for retiring old nodes: a node that did not know an id when told to forget it keeps no blacklist entry
        // and may learn it later from one that still did; so every node is asked again, and told again, in rounds
        Set<String> unreachable = Set.of();
        for (int round = 0; round < 3; round++) {
            NodesView view = Cluster.view(shard.cluster().node(shard.move().from()));
            List<RedisNode> others = shard.cluster().members(view, added.keySet());
            unreachable = Cluster.forget(others, added.keySet());
            ctx.sleep(RetireOldNodes.RECHECK);
            if (unreachable.isEmpty() && Cluster.nobodyLists(others, added.keySet())) {
                return Map.of("detached", added, "to reuse them", "CLUSTER RESET HARD on each (erases its copy)");
            }
        }
        if (!unreachable.isEmpty()) {
            throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": could not reach " + unreachable
                    + " to forget the new nodes: when they run again, ferry rollback finishes");
        }
        throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": the new nodes " + added.values()
                + " keep coming back into some nodes' views: check CLUSTER NODES on every node, then ferry rollback");
    }
}
