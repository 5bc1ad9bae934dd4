package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.plan.FailPoints;
import dev.ferry.core.plan.PlannedCommand;
import dev.ferry.core.plan.RunContext;
import dev.ferry.core.plan.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The fenced switchover (cutover mode {@code pause}): fence a, wait until b has a's offset and the marker,
 * promote b, move the traffic, demote a, close a's clients, unpause. Zero acknowledged writes lost.
 *
 * <p>Before b's promotion any failure lifts the fence and leaves a master (exit 5). After it, b may hold
 * acknowledged writes, so nothing goes back: a stays fenced and {@code resume} carries on from live state.
 */
public final class Cutover implements Step {
    public static final String NAME = "cutover";
    static final String FENCED = "FENCED";
    static final String PROMOTED = "PROMOTED";
    static final String SWITCHED = "SWITCHED";
    static final String DEMOTED = "DEMOTED";
    /** b is polled this often while a is fenced: every millisecond of polling is pause the clients see. */
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(1);

    @Override
    public String name() {
        return NAME;
    }

    public static String markerKey(String specName) {
        return "ferry:marker:" + specName;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Fence fence = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause());
        List<PlannedCommand> commands = new ArrayList<>(fence.plan(markerKey(ctx.spec().name())));
        commands.add(PlannedCommand.redis("b", "INFO replication; GET " + markerKey(ctx.spec().name()) + " (every 1ms)",
                "wait until b's offset >= the captured offset and the marker is on b, at most max-pause"));
        commands.add(PlannedCommand.redis("b", b.version().replicaOfCommand() + " NO ONE", "promote b"));
        if (ctx.trafficSwitch().movesBeforeDemotion()) {
            commands.addAll(ctx.trafficSwitch().plan(ctx.spec().source(), ctx.spec().target()));
        }
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            commands.add(PlannedCommand.redis("a", "CONFIG SET " + a.version().configName("replica-read-only") + " yes; "
                    + a.version().replicaOfCommand() + " " + b.host() + " " + b.port(), "demote a: it follows b"));
        } else {
            commands.add(PlannedCommand.redis("a", "(fence kept)", "after: detach: a keeps its data and stays fenced"));
        }
        commands.add(PlannedCommand.redis("a", "CLIENT KILL TYPE normal SKIPME yes; CLIENT KILL TYPE pubsub SKIPME yes",
                "close a's clients so they reconnect through the switch"));
        if (a.version().hasPauseWrite()) {
            commands.add(PlannedCommand.redis("a", "CLIENT UNPAUSE", "end the pause"));
        }
        if (!ctx.trafficSwitch().movesBeforeDemotion()) {
            commands.addAll(ctx.trafficSwitch().plan(ctx.spec().source(), ctx.spec().target()));
        }
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Fence fence = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause());
        ReplicationState bState = b.replication();
        if (bState.isMaster() && ctx.journal().reached(NAME, "PROMOTING")) {
            // a crash after REPLICAOF NO ONE: b is master and may hold acknowledged writes; go forward only
            ctx.journal().stepFact(NAME, PROMOTED, Map.of("b", "found promoted by resume"));
            return goForward(ctx, fence, new LinkedHashMap<>(ctx.journal().facts(NAME)), System.nanoTime());
        }
        if (!bState.replicatesFrom(a.host(), a.port())) {
            throw new FerryException(ExitCode.PREFLIGHT, "b no longer replicates from a (role " + bState.role()
                    + "): nothing was changed by the cutover; check b, then ferry run SPEC --restart");
        }
        if (ctx.journal().reached(NAME, "FENCING")) {
            // a crash while a was fenced and before b's promotion: start over from an unfenced a
            fence.lift();
        }
        ctx.confirm("cut over now: fence a (" + a.address() + "), promote b (" + b.address() + "), demote a?");
        return fenceAndPromote(ctx, fence);
    }

    private Map<String, Object> fenceAndPromote(RunContext ctx, Fence fence) {
        RedisNode b = ctx.servers().b();
        waitForSmallLag(ctx);
        String markerKey = markerKey(ctx.spec().name());
        String marker = UUID.randomUUID().toString();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", fence.describe());
        ctx.journal().stepFact(NAME, "FENCING", facts);
        long fencedAt = System.nanoTime();
        long captured;
        try {
            captured = fence.raise(markerKey, marker);
        } catch (RuntimeException e) {
            throw abort(ctx, fence, "could not fence a: " + e.getMessage());
        }
        facts.put("capturedOffset", captured);
        ctx.journal().stepFact(NAME, FENCED, Map.of("capturedOffset", captured));
        FailPoints.hit("cutover:fenced");
        long caughtUpAt = awaitCatchUp(ctx, fence, captured, markerKey, marker, fencedAt);
        facts.put("catchUpMillis", millis(caughtUpAt - fencedAt));
        promote(ctx, fence, b);
        facts.put("promotedAfterMillis", millis(System.nanoTime() - fencedAt));
        return goForward(ctx, fence, facts, fencedAt);
    }

    /** Fencing while b is far behind would only make the pause longer: wait (bounded) until it is close. */
    private static void waitForSmallLag(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            long aOffset = a.replication().masterOffset();
            if (b.replication().replicaOffset() >= aOffset - 64 * 1024) {
                return;
            }
            ctx.sleep(Duration.ofMillis(20));
        }
    }

    private long awaitCatchUp(RunContext ctx, Fence fence, long captured, String markerKey, String marker, long fencedAt) {
        long deadline = fencedAt + ctx.spec().cutover().maxPause().toNanos();
        long bOffset = -1;
        // a stalled b must not hold ferry past max-pause: every poll gives up within the window
        int pollTimeout = (int) Math.max(50, ctx.spec().cutover().maxPause().toMillis());
        try (RedisNode b = ctx.servers().b().withTimeout("poll", pollTimeout)) {
            while (System.nanoTime() < deadline) {
                try {
                    bOffset = b.replication().replicaOffset();
                    if (bOffset >= captured && marker.equals(b.callString("GET", markerKey))) {
                        return System.nanoTime();
                    }
                } catch (RuntimeException e) {
                    throw abort(ctx, fence, "lost b while waiting for it to catch up: " + e.getMessage());
                }
                ctx.sleep(CATCH_UP_POLL);
            }
        }
        throw abort(ctx, fence, "b did not reach a's offset " + captured + " within max-pause "
                + ctx.spec().cutover().maxPause().toMillis() + "ms (b at " + bOffset + ")");
    }

    private FerryException abort(RunContext ctx, Fence fence, String why) {
        try {
            fence.lift();
        } catch (RuntimeException e) {
            return new FerryException(ExitCode.INCOMPLETE, why + "; lifting the fence on a also failed (" + e.getMessage()
                    + "): a is fenced; run ferry resume or ferry rollback");
        }
        restoreSwitch(ctx);
        ctx.journal().stepFact(NAME, "ABORTED", Map.of("why", why));
        return new FerryException(ExitCode.ABORTED, "cutover aborted: " + why
                + ": a is master again with b as its replica, nothing was lost; raise cutover.max-pause or lower the load, then ferry run SPEC --restart");
    }

    /** Before b's promotion a is master again: whatever the switch changed (keepalived configs) goes back too. */
    private static void restoreSwitch(RunContext ctx) {
        try {
            ctx.trafficSwitch().restore();
        } catch (RuntimeException e) {
            ctx.warn("could not restore the switch's configs: " + e.getMessage() + ": put the backups back by hand");
        }
    }

    private void promote(RunContext ctx, Fence fence, RedisNode b) {
        ctx.journal().stepFact(NAME, "PROMOTING", Map.of());
        try {
            b.promote();
        } catch (RuntimeException e) {
            if (!promotedAnyway(b)) {
                throw abort(ctx, fence, "b refused promotion: " + e.getMessage());
            }
        }
        FailPoints.hit("cutover:promoted-unjournaled");
        ctx.journal().stepFact(NAME, PROMOTED, Map.of("bRunId", b.runId()));
        FailPoints.hit("cutover:promoted");
    }

    /** The reply was lost but the command may have run: only live state can say. */
    private static boolean promotedAnyway(RedisNode b) {
        try {
            return b.replication().isMaster();
        } catch (FerryException unreachable) {
            throw new FerryException(ExitCode.INCOMPLETE, "b stopped answering during its promotion: a stays fenced; "
                    + "once b is back, run ferry resume (it finds out from b's role whether the promotion happened)");
        }
    }

    /** From b's promotion on: never back. Each part checks live state first, so resume can repeat it. */
    private Map<String, Object> goForward(RunContext ctx, Fence fence, Map<String, Object> facts, long fencedAt) {
        RedisNode a = ctx.servers().a();
        boolean switchFirst = ctx.trafficSwitch().movesBeforeDemotion();
        if (switchFirst) {
            moveTraffic(ctx, facts);
        }
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            demote(ctx, a);
        } else {
            facts.put("detached", fence.holdDetached());
        }
        facts.put("clientsClosed", a.killApplicationClients());
        if (ctx.spec().after().source() == After.SourceFate.REPLICA) {
            fence.releaseDemoted();
        }
        facts.put("pauseMillis", millis(System.nanoTime() - fencedAt));
        if (!switchFirst) {
            moveTraffic(ctx, facts);
        }
        return facts;
    }

    private static void demote(RunContext ctx, RedisNode a) {
        RedisNode b = ctx.servers().b();
        if (a.replication().replicatesFrom(b.host(), b.port())) {
            return;
        }
        ctx.ledger().set(a, "replica-read-only", "yes");
        a.replicaOf(b.host(), b.port());
        ctx.journal().stepFact(NAME, DEMOTED, Map.of());
    }

    private static void moveTraffic(RunContext ctx, Map<String, Object> facts) {
        if (ctx.journal().reached(NAME, SWITCHED)) {
            return;
        }
        Duration took = ctx.trafficSwitch().move(ctx.spec().source(), ctx.spec().target());
        facts.put("switchMillis", took.toMillis());
        ctx.journal().stepFact(NAME, SWITCHED, Map.of("switchMillis", took.toMillis()));
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** Used by status and post-checks. */
    public static boolean promoted(Journal journal) {
        return journal.reached(NAME, PROMOTED);
    }
}
