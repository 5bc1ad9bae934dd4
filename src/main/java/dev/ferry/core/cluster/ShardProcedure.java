package dev.ferry.core.cluster;

import dev.ferry.core.procedure.Step;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.VerifyStep;
import java.util.ArrayList;
import java.util.List;

/** The steps of one shard of a cluster move, in order; {@code plan} prints them under these names. */
public final class ShardProcedure {
    private ShardProcedure() {
    }

    /**
     * Verify runs per shard: b against a before the switch (b holds exactly a's slots), and c against b after it; the
     * spec's {@code verify:} chooses sample, full or off, as for a standalone move.
     */
    public static List<Step> steps(Shard shard) {
        Spec spec = shard.cluster().spec().shard(shard.index());
        List<Step> steps = new ArrayList<>(List.of(new JoinCluster(shard), new ReplicateOldMaster(), new SyncShard(shard),
                new AwaitReplicaKnown(shard)));
        add(steps, spec, VerifyStep.beforeCutover());
        steps.addAll(List.of(new ShardSwitch(shard), new AttachReplicas(shard)));
        add(steps, spec, VerifyStep.afterCutover());
        steps.add(new RetireOldNodes(shard));
        return steps;
    }

    private static void add(List<Step> steps, Spec spec, VerifyStep verify) {
        if (verify.wanted(spec)) {
            steps.add(verify);
        }
    }
}
