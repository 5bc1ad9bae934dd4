package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.ReplicaSync;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 6 of a shard: its new replicas follow b (CLUSTER REPLICATE toward a replica is refused, so they attach
 * once b is master) and sync; then b's migration barrier is restored.
 */
public final class AttachReplicas extends ShardStep {
    public static final String NAME = "attach replicas";

    public AttachReplicas(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        for (RedisNode replica : shard.newReplicas(ctx)) {
            commands.add(PlannedCommand.redis(replica.address(), "CLUSTER NODES (every 20ms, within settle-timeout)",
                    "wait until this node sees b as a master"));
            commands.add(PlannedCommand.redis(replica.address(), "CLUSTER REPLICATE <b's id>",
                    "follow the new master (erases this empty node's data, then a full sync)"));
            commands.add(PlannedCommand.redis(replica.address(), "INFO replication (every 20ms)", "wait until synced"));
        }
        commands.add(PlannedCommand.redis(ctx.servers().b().address(), "CONFIG SET "
                + ReplicateOldMaster.BARRIER + " <journaled value>", "restore b's replica-migration barrier"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        String bId = Cluster.idOf(b);
        Map<String, Object> facts = new LinkedHashMap<>();
        for (RedisNode replica : shard.newReplicas(ctx)) {
            if (!Cluster.view(replica).myself().replicaOf(bId)) {
                // The switch ends once a has learned it; this node may not yet have, and refuses to follow a
                // node it still sees as a replica ("I can only replicate a master").
                shard.awaitViews(ctx, List.of(replica), view -> view.byId(bId).filter(ClusterNode::master).isPresent(),
                        shard.cluster().spec().settleTimeout(), "b as a master", ExitCode.INCOMPLETE);
                b.credentials().ifPresent(c -> ReplicaSync.setMasterAuth(ctx, replica, c));
                replica.callString("CLUSTER", "REPLICATE", bId);
            }
            Map<String, Object> synced = ReplicaSync.awaitSynced(ctx, replica, b, ctx.spec().cutover().catchUp());
            facts.put(replica.address(), synced.get("seconds") + "s");
        }
        ctx.ledger().restore(b, ReplicateOldMaster.BARRIER);
        return facts;
    }
}
