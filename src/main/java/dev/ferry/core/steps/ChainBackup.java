package dev.ferry.core.steps;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.ReplicaSync;
import java.util.List;
import java.util.Map;

/**
 * c replicates from b before the cutover, so b is never alone and c keeps its link through b's promotion
 * (PSYNC2, 4.0+). The sync counters read here let post-checks tell whether c had to resync.
 */
public final class ChainBackup implements Step {
    public static final String NAME = "chain c to b";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return ReplicaSync.plan(ctx.servers().c().orElseThrow(), ctx.servers().b());
    }

    /** C's full sync from b: not while another pair of the fleet is fenced. */
    @Override
    public boolean yieldsToFences() {
        return true;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        ctx.canary().start(); // lag shows once b replicates; stopped by the cutover before the fence
        RedisNode b = ctx.servers().b();
        RedisNode c = ctx.servers().c().orElseThrow();
        if (!c.replication().replicatesFrom(b.host(), b.port())) {
            ctx.confirm(c.version().replicaOfCommand() + " on c (" + c.address() + ") erases its " + c.totalKeys()
                    + " keys and copies b's. Go on?");
        }
        ReplicaSync.attach(ctx, c, b);
        Map<String, Object> facts = new java.util.LinkedHashMap<>(
                ReplicaSync.awaitSynced(ctx, c, b, ctx.spec().cutover().catchUp()));
        Info stats = b.info("stats");
        facts.put("bSyncFull", stats.getLong("sync_full", 0));
        facts.put("bSyncPartialOk", stats.getLong("sync_partial_ok", 0));
        return facts;
    }
}
