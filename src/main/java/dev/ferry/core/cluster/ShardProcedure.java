package dev.ferry.core.cluster;

import dev.ferry.core.procedure.Step;
import java.util.List;

/** The steps of one shard of a cluster move, in order; {@code plan} prints them under these names. */
public final class ShardProcedure {
    private ShardProcedure() {
    }

    public static List<Step> steps(Shard shard) {
        return List.of(new JoinCluster(shard), new ReplicateOldMaster(), new SyncShard(shard), new AwaitReplicaKnown(shard),
                new ShardSwitch(shard), new AttachReplicas(shard), new RetireOldNodes(shard));
    }
}
