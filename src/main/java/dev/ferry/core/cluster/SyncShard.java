package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.ReplicaSync;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Step 3 of a shard: b's full sync from a, with the same progress and faults as a standalone move's sync. A b lost
 * during it stops the shard before any fence (exit 11: a is master, unfenced). If b then comes back as a new empty
 * node (a new node id, as a replaced server does), resume joins and attaches it again and has the cluster forget
 * the id b had, which would otherwise stay in every view as a failed node.
 */
public final class SyncShard extends ShardStep {
    public static final String NAME = "sync";

    public SyncShard(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return List.of(PlannedCommand.redis(ctx.servers().b().address(), "INFO replication; INFO persistence (every 20ms)",
                "wait until link up, loading:0, offset >= a's"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        try {
            rejoinIfRestarted(ctx);
            return ReplicaSync.awaitSynced(ctx, b, ctx.servers().a(), ctx.spec().cutover().catchUp());
        } catch (FerryException e) {
            if (e.code() != ExitCode.CONNECTION) {
                throw e;
            }
            throw new FerryException(ExitCode.STOPPED, shard.label() + ": b's sync stopped, a server was lost ("
                    + e.getMessage() + "): a is still master and unfenced; start it again (b may come back empty,"
                    + " on the same address), then ferry resume", e);
        }
    }

    /** b no longer a's replica although replicate completed: it restarted without its nodes.conf. */
    private void rejoinIfRestarted(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        String aId = Cluster.idOf(ctx.servers().a());
        if (Cluster.view(b).myself().replicaOf(aId)) {
            return;
        }
        Object before = ctx.journal().facts(JoinCluster.NAME).get(b.address());
        new JoinCluster(shard).run(ctx);
        new ReplicateOldMaster().run(ctx);
        String now = Cluster.idOf(b);
        if (before != null && !before.toString().equals(now)) {
            forgetEverywhere(ctx, before.toString());
        }
        ctx.journal().stepFact(NAME, "REJOINED", Map.of("b", now, "forgotten", String.valueOf(before)));
    }

    /** b's former id (it restarted empty and rejoined with a new one) leaves every view; a node down keeps it. */
    private void forgetEverywhere(RunContext ctx, String staleId) {
        Set<String> unreachable = Cluster.forget(shard.members(ctx, ctx.servers().a()), List.of(staleId));
        if (!unreachable.isEmpty()) {
            throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": could not tell " + unreachable
                    + " to forget b's former id " + staleId + ": when they run again, ferry resume forgets it there");
        }
    }
}
