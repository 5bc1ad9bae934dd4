package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.ConfigChange;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.FollowBack;
import dev.ferry.core.sync.ReplicaSync;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollback after b's promotion: b may hold acknowledged writes, so a first follows b until it has them all, then
 * the cutover runs the other way ({@link Cutover.Direction#BACK}): fence b, wait until a has b's offset, promote a,
 * move the traffic back, demote b to a's replica. c then follows a. Refused when a cannot follow b by partial
 * resync and cannot load b's RDB either ({@link FollowBack}).
 */
public final class SwitchBack implements Step {
    /** The catch-up's follow-back decision is journaled under the step's own name. */
    private static final String CATCH_UP = Cutover.Direction.BACK.stepName();
    private final Cutover back = new Cutover(Cutover.Direction.BACK);

    private static FerryException refused(String why) {
        return new FerryException(ExitCode.PREFLIGHT, "cannot roll back: " + why + ", so a cannot take b's writes"
                + " since the cutover and they would be lost: b stays master; move to a newer server instead");
    }

    @Override
    public String name() {
        return back.name();
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis(a.label(), "CONFIG SET " + a.version().configName("replica-read-only") + " yes",
                "a takes no client write while it follows b"));
        if (a.replication().replicatesFrom(b.host(), b.port())) {
            commands.add(PlannedCommand.redis(a.label(), "INFO replication (every 20ms)", "a follows b already: wait until it has b's offset"));
        } else {
            commands.addAll(ReplicaSync.plan(a, b));
        }
        for (ConfigChange left : ctx.ledger().left(a)) {
            commands.add(PlannedCommand.redis(a.label(), "CONFIG SET " + left.key() + " " + left.oldValue(),
                    "lift after: detach's fence: as b's replica a takes no client write anyway"));
        }
        commands.addAll(back.plan(ctx));
        ctx.servers().c().ifPresent(c -> commands.addAll(ReplicaSync.plan(c, ctx.servers().a())));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        FollowBack.Decision path = FollowBack.decide("a", a.version(), "b", b.version());
        // an a that already follows b (after: replica, by partial resync) has b's data whatever its RDB version
        if (!path.allowed() && !a.replication().replicatesFrom(b.host(), b.port())) {
            throw refused(path.why());
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        if (!ctx.journal().reached(name(), Milestone.PROMOTING)) {
            facts.put("catchUp", catchUp(ctx, a, b));
        }
        facts.putAll(back.run(ctx));
        ctx.servers().c().ifPresent(c -> {
            ReplicaSync.attach(ctx, c, a);
            facts.put("c", ReplicaSync.awaitSynced(ctx, c, a, ctx.spec().cutover().catchUp()));
        });
        ctx.ledger().restoreAll();
        return facts;
    }

    /** a follows b (read-only) until it holds everything b has; then a's detach fence, if any, can go. */
    private static Map<String, Object> catchUp(RunContext ctx, RedisNode a, RedisNode b) {
        ctx.confirm("roll back: make a (" + a.address() + ") a replica of b again, then switch back to a with a fenced"
                + " pause on b?");
        ctx.ledger().set(a, "replica-read-only", "yes");
        if (!FollowBack.follow(ctx, CATCH_UP, a, b)) {
            ctx.ledger().restore(a, "replica-read-only");
            throw refused(String.valueOf(FollowBack.facts(ctx.journal(), CATCH_UP).get("followBackRefused")));
        }
        Map<String, Object> synced = ReplicaSync.awaitSynced(ctx, a, b, ctx.spec().cutover().catchUp());
        liftDetachFence(ctx, a);
        return synced;
    }

    /**
     * after: detach left a fenced on purpose (journaled LEFT). As b's read-only replica a takes no client write
     * anyway, so the fence can go now, before a is promoted.
     */
    private static void liftDetachFence(RunContext ctx, RedisNode a) {
        ctx.ledger().restoreLeft(a);
    }
}
