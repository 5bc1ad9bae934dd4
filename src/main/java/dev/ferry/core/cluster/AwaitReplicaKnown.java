package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import java.util.List;
import java.util.Map;

/**
 * Step 4 of a shard: wait until every node knows b as a's replica. Before that, a ignores b's failover request
 * and the other masters refuse it their votes (they grant one only to a node they know as the master's replica).
 */
public final class AwaitReplicaKnown extends ShardStep {
    public static final String NAME = "settle";

    public AwaitReplicaKnown(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return List.of(PlannedCommand.redis("every node", "CLUSTER NODES (every 20ms, at most "
                + shard.cluster().spec().settleTimeout().toSeconds() + "s)", "wait until every node lists b as a's replica"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        String aId = Cluster.idOf(ctx.servers().a());
        String bId = Cluster.idOf(ctx.servers().b());
        long start = ctx.nanos();
        shard.awaitViews(ctx, shard.members(ctx, ctx.servers().a()), view -> view.hasReplica(aId, bId),
                shard.cluster().spec().settleTimeout(), "b as a's replica", ExitCode.STOPPED);
        return Map.of("ms", (ctx.nanos() - start) / 1_000_000);
    }
}
