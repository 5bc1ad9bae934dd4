package dev.ferry.core.cutover;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.ClientInfo;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cutover mode {@code drain}: the seed's own steps 5–8, kept faithful and measured. b becomes a writable
 * replica, the traffic moves, a's clients drain, then b is promoted. Nobody is paused, but a and b can both
 * take writes: writes on b (a replica) never reach c (4.0+) and can be overwritten by a's stream, and writes on
 * a after b stops following it are lost. ferry asks for --accept-divergence and reports what diverged.
 */
public final class DrainCutover implements Step {
    /** Enough to count divergence in a test or demo without walking a production keyspace for hours. */
    private static final int DIVERGENCE_SCAN_LIMIT = 2_000_000;
    /** How long a must stay without application clients before the drain counts as done. */
    private static final Duration QUIET = Duration.ofMillis(150);

    @Override
    public String name() {
        return Cutover.NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        String readOnly = b.version().configName("replica-read-only");
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis("b", "CONFIG SET " + readOnly + " no",
                "seed step 5: b takes writes while still a's replica (writes on b never reach c)"));
        commands.addAll(ctx.trafficSwitch().plan(ctx.spec().source(), ctx.spec().target()));
        commands.add(CutoverMoves.planCloseClients(a));
        commands.add(PlannedCommand.redis("a", "CLIENT LIST (until 0 or drain-watch)", "seed step 7: a's clients drain to b"));
        commands.add(PlannedCommand.redis("b", b.version().replicaOfCommand() + " NO ONE", "seed step 8: promote b"));
        commands.add(PlannedCommand.redis("b", "CONFIG SET " + readOnly + " <old>", "b is read-only again as before"));
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            commands.addAll(CutoverMoves.planDemote(a, b));
        } else {
            commands.addAll(Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause()).planDetachUnpaused());
        }
        commands.add(PlannedCommand.redis("b,c", "SCAN + EXISTS", "count keys b has that c lacks (the divergence)"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        if (!ctx.options().acceptDivergence()) {
            throw new FerryException(ExitCode.PREFLIGHT, "cutover mode drain lets a and b both take writes (lost or "
                    + "divergent writes): pass --accept-divergence to accept that, or use mode: pause");
        }
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Map<String, Object> facts = new LinkedHashMap<>(ctx.journal().facts(Cutover.NAME));
        if (ctx.journal().reached(Cutover.NAME, Milestone.WRITABLE)) {
            ctx.holdSignals();
        }
        if (!b.replication().isMaster()) {
            if (!b.replication().replicatesFrom(a.host(), a.port())) {
                throw new FerryException(ExitCode.PREFLIGHT, "b no longer replicates from a: check b, then ferry run SPEC --restart");
            }
            ctx.confirm("drain cutover: make b writable, move traffic, promote b (a and b may both take writes)?");
            ctx.canary().stop(); // a heartbeat on a after b leaves it would be one more lost write
            ctx.warn("drain mode: writes on b before its promotion do not reach c, and writes on a after b stops following it are lost");
            ctx.stopIfSignalled("before b is made writable");
            ctx.holdSignals(); // from here a and b may both take writes: only promoting b ends that
            ctx.ledger().set(b, "replica-read-only", "no");
            ctx.journal().stepFact(Cutover.NAME, Milestone.WRITABLE, Map.of());
            CutoverMoves.FORWARD.moveTraffic(ctx, facts);
            facts.put("clientsClosed", a.killApplicationClients());
            facts.put("drainMillis", drain(ctx, a));
            promote(ctx, a, b, facts);
        }
        ctx.ledger().restore(b, "replica-read-only");
        forwardSource(ctx, a, facts);
        measureDivergence(ctx, facts);
        return facts;
    }

    /**
     * Waits until a has had no application client for a moment (closed clients reconnect after a backoff: one
     * empty look proves nothing), or until drain-watch ends.
     */
    private static long drain(RunContext ctx, RedisNode a) {
        long start = ctx.nanos();
        long deadline = start + ctx.spec().cutover().drainWatch().toNanos();
        long emptySince = -1;
        while (ctx.nanos() < deadline) {
            boolean empty = a.clients().stream().noneMatch(ClientInfo::isApplication);
            long now = ctx.nanos();
            emptySince = empty ? (emptySince < 0 ? now : emptySince) : -1;
            if (empty && now - emptySince >= QUIET.toNanos()) {
                break;
            }
            ctx.sleep(Duration.ofMillis(50));
        }
        return (ctx.nanos() - start) / 1_000_000;
    }

    /** Reads a's offset right before b leaves it, so that what a writes afterwards can be measured. */
    private static void promote(RunContext ctx, RedisNode a, RedisNode b, Map<String, Object> facts) {
        long aOffset = a.replication().masterOffset();
        ctx.journal().stepFact(Cutover.NAME, Milestone.PROMOTING, Map.of("aOffsetAtPromotion", aOffset));
        b.promote();
        long bOffset = b.replication().masterOffset();
        ctx.journal().stepFact(Cutover.NAME, Milestone.PROMOTED, Map.of("bRunId", b.runId()));
        facts.put("aOffsetAtPromotion", aOffset);
        facts.put("bOffsetAtPromotion", bOffset);
    }

    private static void forwardSource(RunContext ctx, RedisNode a, Map<String, Object> facts) {
        long before = ((Number) ctx.journal().facts(Cutover.NAME).getOrDefault("aOffsetAtPromotion", 0L)).longValue();
        if (a.replication().isMaster()) {
            long after = a.replication().masterOffset();
            // bytes of a's replication stream written after b stopped following: writes b never received
            facts.put("aBytesAfterPromotion", Math.max(0, after - before));
            if (after > before) {
                ctx.warn("a took " + (after - before) + " bytes of writes after b stopped following it: those writes are not on b");
            }
        }
        boolean follows = ctx.spec().after().source() == After.SourceFate.REPLICA
                && CutoverMoves.FORWARD.demote(ctx, a, ctx.servers().b());
        if (!follows) {
            CutoverMoves.FORWARD.detachUnpaused(ctx, a, facts, () -> {
                // b left a: a is a master already, there is nothing to detach it from
            });
        }
    }

    private static void measureDivergence(RunContext ctx, Map<String, Object> facts) {
        ctx.servers().c().ifPresent(c -> {
            RedisNode b = ctx.servers().b();
            awaitBackup(ctx, b, c);
            KeyDivergence.Result onlyOnB = KeyDivergence.missingOn(b, c, DIVERGENCE_SCAN_LIMIT);
            facts.put("keysOnBNotOnC", onlyOnB.missing());
            facts.put("keysOnBNotOnCSample", onlyOnB.sample());
            if (onlyOnB.missing() > 0) {
                ctx.warn("c lacks " + onlyOnB.missing() + " keys that b has (writes b took as a writable replica): "
                        + "resync c from b (REPLICAOF NO ONE, then REPLICAOF b, with its data wiped) to repair it");
            }
        });
    }

    private static void awaitBackup(RunContext ctx, RedisNode b, RedisNode c) {
        long deadline = ctx.nanos() + Duration.ofSeconds(10).toNanos();
        while (ctx.nanos() < deadline) {
            if (c.replication().linkUp() && c.replication().replicaOffset() >= b.replication().masterOffset()) {
                return;
            }
            ctx.sleep(Duration.ofMillis(20));
        }
    }
}
