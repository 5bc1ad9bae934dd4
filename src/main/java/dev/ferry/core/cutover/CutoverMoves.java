package dev.ferry.core.cutover;

import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.FollowBack;
import dev.ferry.core.sync.ReplicaSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The moves every cutover mode (pause, failover, drain) and the switch-back share: wait until the new master is
 * close before fencing, move the traffic, demote the old master to the new one's replica, detach it. Each move
 * checks the journal or live state first, so a resume can repeat it.
 */
public final class CutoverMoves {
    /** The forward direction's moves, a to b, journaled under the cutover step. */
    public static final CutoverMoves FORWARD = new CutoverMoves(Cutover.Direction.FORWARD);
    /** Fencing while b is further behind than this would only make the pause longer. */
    private static final long SMALL_LAG_BYTES = 64 * 1024;
    private static final Duration SMALL_LAG_WAIT = Duration.ofSeconds(10);

    private final Cutover.Direction direction;

    CutoverMoves(Cutover.Direction direction) {
        this.direction = direction;
    }

    /** Fencing while b is far behind would only make the pause longer: wait (bounded) until it is close. */
    void waitForSmallLag(RunContext ctx, CutoverProbe probe) {
        long deadline = ctx.nanos() + SMALL_LAG_WAIT.toNanos();
        long behind = Long.MAX_VALUE;
        while (ctx.nanos() < deadline) {
            behind = probe.bytesBehind();
            if (behind <= SMALL_LAG_BYTES) {
                return;
            }
            ctx.sleep(Duration.ofMillis(20));
        }
        ctx.warn(direction.toLabel() + " is still " + behind + " bytes behind " + direction.fromLabel() + " after "
                + SMALL_LAG_WAIT.toSeconds() + "s: fencing anyway, the pause may last up to max-pause (lower the write "
                + "rate or check the link between them)");
    }

    void waitForSmallLag(RunContext ctx) {
        waitForSmallLag(ctx, CutoverProbe.of(ctx, direction));
    }

    /**
     * a becomes b's read-only replica (journaled old values first), through {@link FollowBack}: by partial resync
     * where a could not load b's RDB. Returns false when a was kept detached: following b could have made it load
     * an RDB it cannot read.
     */
    boolean demote(RunContext ctx, RedisNode a, RedisNode b) {
        if (a.replication().replicatesFrom(b.host(), b.port())) {
            return FollowBack.follow(ctx, direction.stepName(), a, b); // a crash may have cut its confirmation short
        }
        ctx.ledger().set(a, "replica-read-only", "yes");
        // attach (inside follow) also sets masterauth: without it a could not log in to a b that requires a password
        if (!FollowBack.follow(ctx, direction.stepName(), a, b)) {
            ctx.ledger().restore(a, "replica-read-only");
            return false;
        }
        ctx.journal().stepFactLazily(direction.stepName(), Milestone.DEMOTED, Map.of()); // live state tells it again
        return true;
    }

    public void moveTraffic(RunContext ctx, Map<String, Object> facts) {
        if (ctx.journal().reached(direction.stepName(), Milestone.SWITCHED)) {
            return;
        }
        Duration took = ctx.trafficSwitch().move(direction.fromEndpoint(ctx), direction.toEndpoint(ctx));
        Map<String, Object> switched = new java.util.LinkedHashMap<>(Map.of("switchMillis", took.toMillis()));
        ctx.trafficSwitch().log().ifPresent(log -> switched.put("switchLog", log.toString())); // the hook's output
        facts.putAll(switched);
        // inside the pause: not waited for on disk; a resume that misses it runs the switch again, as after a crash
        // between the switch and this line
        ctx.journal().stepFactLazily(direction.stepName(), Milestone.SWITCHED, switched);
    }

    /**
     * after: detach in the modes without a pause (failover, drain): the old master keeps its data behind a
     * durable fence; {@code thenDetach} runs between fencing it and journaling DETACHED.
     */
    void detachUnpaused(RunContext ctx, RedisNode a, Map<String, Object> facts, Runnable thenDetach) {
        if (ctx.journal().reached(direction.stepName(), Milestone.DETACHED)) {
            return;
        }
        String howToLift = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause()).detachUnpaused();
        thenDetach.run();
        facts.put("detached", howToLift);
        ctx.journal().stepFact(direction.stepName(), Milestone.DETACHED, Map.of("detached", howToLift));
    }

    /** What {@link #demote} sends, for plan: read-only first, then what {@link FollowBack} sends. */
    static List<PlannedCommand> planDemote(RedisNode a, RedisNode b) {
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis(a.label(), "CONFIG SET " + a.version().configName("replica-read-only") + " yes",
                "demote " + a.label() + ": read-only first"));
        commands.addAll(FollowBack.plan(a, b));
        return commands;
    }

    /** What {@link RedisNode#killApplicationClients} sends, for plan. */
    static PlannedCommand planCloseClients(RedisNode a) {
        return PlannedCommand.redis(a.label(), "CLIENT KILL TYPE normal SKIPME yes; CLIENT KILL TYPE pubsub SKIPME yes",
                "close " + a.label() + "'s clients so they reconnect through the switch");
    }

    /** Milliseconds with two decimals, for facts. */
    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
