package dev.ferry.core.steps;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.ReplicaSync;
import java.util.List;
import java.util.Map;

/** Seed step 4: b replicates from a until it has everything a had when the link came up. */
public final class SyncFromSource implements Step {
    public static final String NAME = "sync b from a";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return ReplicaSync.plan(ctx.servers().b(), ctx.servers().a());
    }

    /** B's full sync (a forks and writes an RDB, b loads it): not while another pair of the fleet is fenced. */
    @Override
    public boolean yieldsToFences() {
        return true;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        ctx.canary().start(); // lag shows once b replicates; stopped by the cutover before the fence
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        if (!b.replication().replicatesFrom(a.host(), a.port())) {
            ctx.confirm(b.version().replicaOfCommand() + " on b (" + b.address() + ") erases its " + b.totalKeys()
                    + " keys and copies a's. Go on?");
        }
        ReplicaSync.attach(ctx, b, a);
        return ReplicaSync.awaitSynced(ctx, b, a, ctx.spec().cutover().catchUp());
    }
}
