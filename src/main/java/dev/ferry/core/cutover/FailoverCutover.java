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
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
import dev.ferry.core.sync.FollowBack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cutover mode {@code failover}: Redis's own {@code FAILOVER TO b} (6.2+). a pauses writes itself, waits for b's
 * acknowledgement, demotes itself and hands mastership to b; ferry follows {@code master_failover_state}, then
 * moves the traffic and closes a's clients so they reconnect through the switch. Redis bounds the pause with
 * TIMEOUT = max-pause and, on timeout, leaves a master: nothing to undo.
 */
public final class FailoverCutover implements Step {
    private static final Duration POLL = Duration.ofMillis(2);
    private static final Duration ONLINE_WAIT = Duration.ofSeconds(5);
    /** Past max-pause, FAILOVER has timed out and a is unpausing; give it this long to settle before ABORT. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @Override
    public String name() {
        return Cutover.NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis("a", "FAILOVER TO " + b.host() + " " + b.port() + " TIMEOUT "
                + ctx.spec().cutover().maxPause().toMillis(), "Redis pauses a's writes, waits for b, swaps roles"));
        commands.add(PlannedCommand.redis("a", "INFO replication (every 2ms)", "follow master_failover_state until done or failed"));
        if (ctx.spec().after().source() == After.SourceFate.DETACH) {
            RedisNode a = ctx.servers().a();
            commands.addAll(Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause()).planDetachUnpaused());
            commands.add(PlannedCommand.redis(a.label(), a.version().replicaOfCommand() + " NO ONE",
                    "a, b's replica since the FAILOVER, keeps its data and follows no one"));
        }
        commands.addAll(ctx.trafficSwitch().plan(ctx.spec().source(), ctx.spec().target()));
        commands.add(CutoverMoves.planCloseClients(ctx.servers().a()));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        ReplicationState bState = b.replication();
        if (bState.isMaster() && ctx.journal().reached(Cutover.NAME, Milestone.FAILOVER_REQUESTED)) {
            ctx.holdSignals();
            return forward(ctx, new LinkedHashMap<>(ctx.journal().facts(Cutover.NAME)));
        }
        if (!bState.replicatesFrom(a.host(), a.port())) {
            throw new FerryException(ExitCode.PREFLIGHT, "b no longer replicates from a (role " + bState.role()
                    + "): nothing was changed by the cutover; check b, then ferry run SPEC --restart");
        }
        ctx.confirm("cut over now: FAILOVER a (" + a.address() + ") to b (" + b.address() + ")?");
        ctx.canary().stop(); // its writes on a must be answered before a pauses and hands over
        CutoverMoves.FORWARD.waitForSmallLag(ctx);
        awaitListedOnline(ctx, a, b);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", "FAILOVER TO b TIMEOUT " + ctx.spec().cutover().maxPause().toMillis());
        // FAILOVER's own TIMEOUT bounds the pause; a signal waits for it (aborting it mid-handshake would race b)
        ctx.enterFence("before FAILOVER", facts); // a fleet's other pairs are not paused while a is
        ctx.journal().stepFact(Cutover.NAME, Milestone.FAILOVER_REQUESTED, facts);
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            FollowBack.beforeFailover(ctx, Cutover.NAME, a, b);
        }
        long start = ctx.nanos();
        try {
            a.callString("FAILOVER", "TO", b.host(), Integer.toString(b.port()), "TIMEOUT",
                    Long.toString(ctx.spec().cutover().maxPause().toMillis()));
        } catch (RedisError e) {
            ctx.journal().stepFact(Cutover.NAME, Milestone.ABORTED, Map.of("why", e.reply()));
            throw new FerryException(ExitCode.ABORTED, "a refused FAILOVER (" + e.reply()
                    + "): nothing changed, a is master; check that b's announced address is b's spec address, or use mode: pause");
        }
        awaitFailover(ctx, start);
        facts.put("pauseMillis", CutoverMoves.millis(ctx.nanos() - start));
        ctx.journal().stepFact(Cutover.NAME, Milestone.PROMOTED, Map.of("bRunId", b.runId(), "pauseMillis", facts.get("pauseMillis")));
        return forward(ctx, facts);
    }

    /**
     * FAILOVER refuses a target that a does not list as an online replica ("target replica is not online"), which
     * a replica is for a moment after its sync or a reconnect: wait for that (bounded) rather than abort for it.
     */
    private static void awaitListedOnline(RunContext ctx, RedisNode a, RedisNode b) {
        long deadline = ctx.nanos() + ONLINE_WAIT.toNanos();
        while (!listedOnline(a.info("replication"), b.port()) && ctx.nanos() < deadline) {
            ctx.sleep(Duration.ofMillis(10));
        }
    }

    static boolean listedOnline(Info replication, int port) {
        return replication.asMap().entrySet().stream().anyMatch(e -> e.getKey().matches("slave\\d+")
                && e.getValue().contains("port=" + port + ",") && e.getValue().contains("state=online"));
    }

    private static void awaitFailover(RunContext ctx, long start) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        long deadline = start + ctx.spec().cutover().maxPause().toNanos() + SETTLE.toNanos();
        String state = "";
        while (ctx.nanos() < deadline) {
            Info info = a.info("replication");
            state = info.get("master_failover_state", "");
            if ("no-failover".equals(state)) {
                if (ReplicationState.of(info).replicatesFrom(b.host(), b.port())) {
                    return;
                }
                throw aborted(ctx, "FAILOVER did not complete within max-pause "
                        + ctx.spec().cutover().maxPause().toMillis() + "ms (b did not acknowledge a's offset in time)");
            }
            ctx.sleep(POLL);
        }
        try {
            a.callString("FAILOVER", "ABORT");
        } catch (RedisError e) {
            // it finished or failed on its own meanwhile: the role check below decides
        }
        if (a.replication().replicatesFrom(b.host(), b.port())) {
            return;
        }
        throw aborted(ctx, "FAILOVER was stuck in state " + state + " and was aborted");
    }

    private static FerryException aborted(RunContext ctx, String why) {
        ctx.journal().stepFact(Cutover.NAME, Milestone.ABORTED, Map.of("why", why));
        return new FerryException(ExitCode.ABORTED, "cutover aborted: " + why
                + ": a is master again with b as its replica, nothing was lost; raise cutover.max-pause (b acknowledges once a second), then ferry run SPEC --restart");
    }

    /** b is master: after: detach fences a and detaches it; then the traffic moves and a's clients are closed. */
    private static Map<String, Object> forward(RunContext ctx, Map<String, Object> facts) {
        RedisNode a = ctx.servers().a();
        if (ctx.spec().after().source() == After.SourceFate.DETACH) {
            CutoverMoves.FORWARD.detachUnpaused(ctx, a, facts, a::promote); // FAILOVER made a b's replica
        }
        CutoverMoves.FORWARD.moveTraffic(ctx, facts);
        facts.put("clientsClosed", a.killApplicationClients());
        return facts;
    }
}
