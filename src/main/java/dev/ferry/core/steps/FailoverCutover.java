package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.plan.PlannedCommand;
import dev.ferry.core.plan.RunContext;
import dev.ferry.core.plan.Step;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
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
    static final String REQUESTED = "FAILOVER";
    private static final Duration POLL = Duration.ofMillis(2);
    /** Past max-pause, FAILOVER has timed out and a is unpausing; give it this long to settle before ABORT. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** The pause cutover's forward helpers (moving traffic, demoting a) serve this mode too. */
    private static final Cutover FORWARD = new Cutover();

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
            commands.add(PlannedCommand.redis("a", "CONFIG SET min-replicas-to-write " + Fence.MIN_REPLICAS_FENCE
                    + "; REPLICAOF NO ONE", "after: detach: a keeps its data, fenced"));
        }
        commands.addAll(ctx.trafficSwitch().plan(ctx.spec().source(), ctx.spec().target()));
        commands.add(PlannedCommand.redis("a", "CLIENT KILL TYPE normal SKIPME yes; CLIENT KILL TYPE pubsub SKIPME yes",
                "close a's clients so they reconnect through the switch"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        ReplicationState bState = b.replication();
        if (bState.isMaster() && ctx.journal().reached(Cutover.NAME, REQUESTED)) {
            return forward(ctx, new LinkedHashMap<>(ctx.journal().facts(Cutover.NAME)));
        }
        if (!bState.replicatesFrom(a.host(), a.port())) {
            throw new FerryException(ExitCode.PREFLIGHT, "b no longer replicates from a (role " + bState.role()
                    + "): nothing was changed by the cutover; check b, then ferry run SPEC --restart");
        }
        ctx.confirm("cut over now: FAILOVER a (" + a.address() + ") to b (" + b.address() + ")?");
        ctx.canary().stop(); // its writes on a must be answered before a pauses and hands over
        FORWARD.waitForSmallLag(ctx);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", "FAILOVER TO b TIMEOUT " + ctx.spec().cutover().maxPause().toMillis());
        ctx.journal().stepFact(Cutover.NAME, REQUESTED, facts);
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            FollowBack.beforeFailover(ctx, a, b);
        }
        long start = System.nanoTime();
        try {
            a.callString("FAILOVER", "TO", b.host(), Integer.toString(b.port()), "TIMEOUT",
                    Long.toString(ctx.spec().cutover().maxPause().toMillis()));
        } catch (RedisError e) {
            ctx.journal().stepFact(Cutover.NAME, "ABORTED", Map.of("why", e.reply()));
            throw new FerryException(ExitCode.ABORTED, "a refused FAILOVER (" + e.reply()
                    + "): nothing changed, a is master; check that b's announced address is b's spec address, or use mode: pause");
        }
        awaitFailover(ctx, start);
        facts.put("pauseMillis", Cutover.millis(System.nanoTime() - start));
        ctx.journal().stepFact(Cutover.NAME, Cutover.PROMOTED, Map.of("bRunId", b.runId(), "pauseMillis", facts.get("pauseMillis")));
        return forward(ctx, facts);
    }

    private static void awaitFailover(RunContext ctx, long start) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        long deadline = start + ctx.spec().cutover().maxPause().toNanos() + SETTLE.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
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
        ctx.journal().stepFact(Cutover.NAME, "ABORTED", Map.of("why", why));
        return new FerryException(ExitCode.ABORTED, "cutover aborted: " + why
                + ": a is master again with b as its replica, nothing was lost; raise cutover.max-pause (b acknowledges once a second), then ferry run SPEC --restart");
    }

    /** b is master: after: detach fences a and detaches it; then the traffic moves and a's clients are closed. */
    private static Map<String, Object> forward(RunContext ctx, Map<String, Object> facts) {
        RedisNode a = ctx.servers().a();
        if (ctx.spec().after().source() == After.SourceFate.DETACH && !ctx.journal().reached(Cutover.NAME, "DETACHED")) {
            Fence fence = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause());
            String howToLift = fence.detachUnpaused();
            a.promote();
            facts.put("detached", howToLift);
            ctx.journal().stepFact(Cutover.NAME, "DETACHED", Map.of("detached", howToLift));
        }
        FORWARD.moveTraffic(ctx, facts);
        facts.put("clientsClosed", a.killApplicationClients());
        return facts;
    }
}
