package dev.ferry.core.cluster;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.sync.ReplicaSync;
import java.util.List;
import java.util.Map;

/** Step 3 of a shard: b's full sync from a, with the same progress and faults as a standalone move's sync. */
public final class SyncShard implements Step {
    public static final String NAME = "sync";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return List.of(PlannedCommand.redis(ctx.servers().b().address(), "INFO replication; INFO persistence (every 20ms)",
                "wait until link up, loading:0, offset >= a's"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        return ReplicaSync.awaitSynced(ctx, ctx.servers().b(), ctx.servers().a(), ctx.spec().cutover().catchUp());
    }
}
