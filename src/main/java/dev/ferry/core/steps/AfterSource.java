package dev.ferry.core.steps;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import dev.ferry.core.sync.ReplicaSync;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Seed step 9: a follows b as a standby for rollback (waits until it has synced), or stays detached and fenced. */
public final class AfterSource implements Step {
    public static final String NAME = "after";

    @Override
    public String name() {
        return NAME;
    }

    private static boolean follows(RunContext ctx) {
        return ctx.spec().after().source() == After.SourceFate.REPLICA;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        if (!follows(ctx)) {
            return List.of(PlannedCommand.redis("a", "(none)", "a stays detached and fenced; the report says how to lift it"));
        }
        return List.of(PlannedCommand.redis("a", "INFO replication (every 200ms)", "wait until a has synced from b"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Map<String, Object> facts = new LinkedHashMap<>();
        if (!follows(ctx)) {
            facts.put("source", "detached");
            facts.put("howToLift", ctx.journal().facts(Cutover.NAME).getOrDefault("detached", ""));
            return facts;
        }
        facts.put("source", "replica of b");
        ctx.ledger().leave(a, "replica-read-only", "a is b's replica: a writable replica would take writes b never sees");
        facts.putAll(ReplicaSync.awaitSynced(ctx, a, b, ctx.spec().cutover().catchUp()));
        return facts;
    }
}
