package dev.ferry.core.steps;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import dev.ferry.core.sync.FollowBack;
import dev.ferry.core.sync.ReplicaSync;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Seed step 9: a follows b as a standby for rollback (waits until it has synced), or stays detached and fenced. */
public final class AfterSource implements Step {
    public static final String NAME = "after";
    /** Invariant 6 holds for this run only: a later full resync would still load b's RDB into a. */
    static final String LATER_FULL_RESYNC = "a later full resync of a (a link outage longer than b's backlog, a restart"
            + " of b) sends it b's RDB: a newer RDB than a can load empties a, unless repl-diskless-load is swapdb (6.0+,"
            + " left set by ferry where it mattered); if a's link to b stays down, detach a first (REPLICAOF NO ONE on a)";

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
        return List.of(PlannedCommand.redis("a", "INFO replication (every 20ms)", "wait until a has synced from b"),
                PlannedCommand.redis("b", "INFO stats", "report whether a's resync was partial (sync_partial_ok, sync_full)"));
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
        facts.putAll(FollowBack.facts(ctx.journal(), Cutover.NAME));
        if (FollowBack.heldDetached(ctx.journal(), Cutover.NAME)) {
            // following b could have emptied a: the cutover kept it detached and fenced instead
            facts.put("source", "detached (after: replica refused at the cutover)");
            facts.put("howToLift", ctx.journal().facts(Cutover.NAME).getOrDefault("detached", ""));
            return facts;
        }
        facts.put("source", "replica of b");
        ctx.ledger().leave(a, "replica-read-only", "a is b's replica: a writable replica would take writes b never sees");
        facts.putAll(ReplicaSync.awaitSynced(ctx, a, b, ctx.spec().cutover().catchUp()));
        facts.put("resync", FollowBack.resyncKind(ctx.journal(), Cutover.NAME, b));
        if (FollowBack.Path.PARTIAL_ONLY.name().equals(facts.get("followPath"))) {
            facts.put("laterFullResync", LATER_FULL_RESYNC);
        }
        return facts;
    }
}
