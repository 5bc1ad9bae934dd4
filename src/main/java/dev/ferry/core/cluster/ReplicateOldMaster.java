package dev.ferry.core.cluster;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.ReplicaSync;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 2 of a shard: b becomes the old master's replica (CLUSTER REPLICATE). First, journaled: b's replica-migration
 * barrier goes above any replica count (restored once the shard is done: a replica of a master with spare replicas
 * may otherwise migrate to an orphaned master elsewhere, and b must stay a's), and b may not fail over on its own
 * (restored after the switch: an automatic failover would skip the fence).
 */
public final class ReplicateOldMaster implements Step {
    public static final String NAME = "replicate";
    static final String BARRIER = "cluster-migration-barrier";
    static final String NO_MIGRATION = "2147483647";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        String aId = Cluster.idOf(ctx.servers().a());
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis(b.address(), "CONFIG SET " + BARRIER + " " + NO_MIGRATION,
                "b never migrates to another master mid-move (old value journaled)"));
        commands.add(PlannedCommand.redis(b.address(), "CONFIG SET " + ShardSwitch.NO_FAILOVER + " yes",
                "b never fails over by itself, unfenced, if a looks down (manual failover still works; journaled)"));
        if (ctx.servers().a().credentials().isPresent()) {
            commands.add(PlannedCommand.redis(b.address(), "CONFIG SET masterauth ***", "so b can log in to a"));
        }
        commands.add(PlannedCommand.redis(b.address(), "CLUSTER REPLICATE " + aId,
                "b becomes a's replica and starts a full sync from it"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        String aId = Cluster.idOf(a);
        if (ctx.ledger().pending(b, BARRIER).isEmpty()) {
            ctx.ledger().set(b, BARRIER, NO_MIGRATION);
        }
        if (b.version().atLeast(4, 0) && ctx.ledger().pending(b, ShardSwitch.NO_FAILOVER).isEmpty()) {
            ctx.ledger().set(b, ShardSwitch.NO_FAILOVER, "yes");
        }
        boolean sent = false;
        if (!Cluster.view(b).myself().replicaOf(aId)) {
            a.credentials().ifPresent(c -> ReplicaSync.setMasterAuth(ctx, b, c));
            b.callString("CLUSTER", "REPLICATE", aId);
            sent = true;
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("master", aId);
        facts.put("sent", sent);
        return facts;
    }
}
