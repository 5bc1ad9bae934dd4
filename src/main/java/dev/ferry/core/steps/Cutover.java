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
import dev.ferry.core.spec.Endpoint;
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
 *
 * <p>The same machinery runs the other way for {@code rollback} ({@link Direction#BACK}): fence b, wait until a
 * has b's offset, promote a, move the traffic back, demote b to a's replica.
 */
public final class Cutover implements Step {
    public static final String NAME = "cutover";
    static final String FENCED = "FENCED";
    static final String PROMOTED = "PROMOTED";
    static final String SWITCHED = "SWITCHED";
    static final String DEMOTED = "DEMOTED";
    /** b is polled this often while a is fenced: every millisecond of polling is pause the clients see. */
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(1);
    /** Fencing while b is further behind than this would only make the pause longer. */
    private static final long SMALL_LAG_BYTES = 64 * 1024;
    private static final Duration SMALL_LAG_WAIT = Duration.ofSeconds(10);
    /** How long a resume keeps knocking on an old a's closed door once b's promotion frees its slot. */
    private static final Duration SLOT_WAIT = Duration.ofSeconds(10);

    private final Direction direction;

    public Cutover() {
        this(Direction.FORWARD);
    }

    Cutover(Direction direction) {
        this.direction = direction;
    }

    /**
     * Which way the cutover moves the master. {@code from} is fenced and demoted, {@code to} promoted; each
     * direction journals under its own step name so a rollback never mistakes the forward run's milestones for its own.
     */
    enum Direction {
        FORWARD(NAME, "a", "b"),
        BACK("switch-back", "b", "a");

        private final String stepName;
        private final String from;
        private final String to;

        Direction(String stepName, String from, String to) {
            this.stepName = stepName;
            this.from = from;
            this.to = to;
        }

        RedisNode from(RunContext ctx) {
            return ctx.servers().byLabel(from);
        }

        RedisNode to(RunContext ctx) {
            return ctx.servers().byLabel(to);
        }

        Endpoint fromEndpoint(RunContext ctx) {
            return this == FORWARD ? ctx.spec().source() : ctx.spec().target();
        }

        Endpoint toEndpoint(RunContext ctx) {
            return this == FORWARD ? ctx.spec().target() : ctx.spec().source();
        }

        /** Forward, a follows b only with after: replica; back, b always becomes a's replica (it holds a copy). */
        boolean demotes(RunContext ctx) {
            return this == BACK || ctx.spec().after().source() == After.SourceFate.REPLICA;
        }
    }

    @Override
    public String name() {
        return direction.stepName;
    }

    public static String markerKey(String specName) {
        return "ferry:marker:" + specName;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = direction.from(ctx);
        RedisNode b = direction.to(ctx);
        Fence fence = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause());
        List<PlannedCommand> commands = new ArrayList<>(fence.plan(markerKey(ctx.spec().name())));
        commands.add(PlannedCommand.redis(b.label(), "INFO replication; GET " + markerKey(ctx.spec().name()) + " (every 1ms)",
                "wait until " + b.label() + "'s offset >= the captured offset and the marker is on it, at most max-pause"));
        commands.addAll(fence.planHoldWithoutFerry());
        commands.add(PlannedCommand.redis(b.label(), b.version().replicaOfCommand() + " NO ONE", "promote " + b.label()));
        if (ctx.trafficSwitch().movesBeforeDemotion()) {
            commands.addAll(ctx.trafficSwitch().plan(direction.fromEndpoint(ctx), direction.toEndpoint(ctx)));
        }
        if (direction.demotes(ctx)) {
            commands.add(PlannedCommand.redis(a.label(), "CONFIG SET " + a.version().configName("replica-read-only") + " yes; "
                    + a.version().replicaOfCommand() + " " + b.host() + " " + b.port(), "demote " + a.label() + ": it follows " + b.label()));
        } else {
            commands.add(PlannedCommand.redis("a", "(fence kept)", "after: detach: a keeps its data and stays fenced"));
        }
        commands.add(PlannedCommand.redis(a.label(), "CLIENT KILL TYPE normal SKIPME yes; CLIENT KILL TYPE pubsub SKIPME yes",
                "close " + a.label() + "'s clients so they reconnect through the switch"));
        if (a.version().hasPauseWrite()) {
            commands.add(PlannedCommand.redis(a.label(), "CLIENT UNPAUSE", "end the pause"));
        }
        if (!ctx.trafficSwitch().movesBeforeDemotion()) {
            commands.addAll(ctx.trafficSwitch().plan(direction.fromEndpoint(ctx), direction.toEndpoint(ctx)));
        }
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = direction.from(ctx);
        RedisNode b = direction.to(ctx);
        ReplicationState bState = b.replication();
        if (bState.isMaster() && ctx.journal().reached(name(), "PROMOTING")) {
            // a crash after REPLICAOF NO ONE: b is master and may hold acknowledged writes; go forward only
            ctx.journal().stepFact(name(), PROMOTED, Map.of(b.label(), "found promoted by resume"));
            return goForward(ctx, fence(ctx), new LinkedHashMap<>(ctx.journal().facts(name())), System.nanoTime());
        }
        if (!bState.replicatesFrom(a.host(), a.port())) {
            throw new FerryException(ExitCode.PREFLIGHT, b.label() + " no longer replicates from " + a.label() + " (role "
                    + bState.role() + "): nothing was changed by the cutover; check " + b.label()
                    + ", then ferry run SPEC --restart");
        }
        if (ctx.journal().reached(name(), "FENCING") && !liftAfterCrash(ctx)) {
            return promoteWithoutA(ctx);
        }
        Fence fence = fence(ctx);
        ctx.confirm("cut over now: fence " + a.label() + " (" + a.address() + "), promote " + b.label() + " ("
                + b.address() + "), demote " + a.label() + "?");
        return fenceAndPromote(ctx, fence);
    }

    /** The fence suits the fenced server's version, so building it needs that server to answer. */
    private Fence fence(RunContext ctx) {
        return Fence.forSource(direction.from(ctx), ctx.ledger(), ctx.spec().cutover().maxPause());
    }

    private Map<String, Object> fenceAndPromote(RunContext ctx, Fence fence) {
        RedisNode b = direction.to(ctx);
        ctx.canary().stop(); // invariant 1: its last write on a is answered before the fence captures a's offset
        waitForSmallLag(ctx);
        String markerKey = markerKey(ctx.spec().name());
        String marker = UUID.randomUUID().toString();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", fence.describe());
        // the nonce is journaled before it is written, so a resume can recognise it (it is no secret)
        ctx.journal().stepFact(name(), "FENCING", Map.of("fence", fence.describe(), "marker", marker));
        long fencedAt = System.nanoTime();
        long captured;
        try {
            captured = fence.raise(markerKey, marker);
        } catch (RuntimeException e) {
            throw abort(ctx, fence, "could not fence a: " + e.getMessage());
        }
        facts.put("capturedOffset", captured);
        ctx.journal().stepFact(name(), FENCED, Map.of("capturedOffset", captured));
        FailPoints.hit("cutover:fenced");
        long caughtUpAt = awaitCatchUp(ctx, fence, captured, markerKey, marker, fencedAt);
        facts.put("catchUpMillis", millis(caughtUpAt - fencedAt));
        holdWithoutFerry(ctx, fence);
        promote(ctx, fence, b);
        facts.put("promotedAfterMillis", millis(System.nanoTime() - fencedAt));
        return goForward(ctx, fence, facts, fencedAt);
    }

    /**
     * A crash while a was fenced, before b's promotion: lift the fence and start over. Returns false when a
     * cannot be reached to lift it: the closed-door fence admits no one while b's link holds the last slot.
     */
    private boolean liftAfterCrash(RunContext ctx) {
        try {
            fence(ctx).lift();
            return true;
        } catch (FerryException unreachable) {
            ctx.warn(direction.from + " cannot be reached to lift its fence after the crash (" + unreachable.getMessage()
                    + "): going forward once " + direction.to + " has the marker");
            return false;
        }
    }

    /**
     * The closed-door fence lets nobody in once the marker is written, so once b has the journaled marker it has
     * every write a acknowledged: b can be promoted, which releases the slot b's link held and lets ferry back in.
     */
    private Map<String, Object> promoteWithoutA(RunContext ctx) {
        String marker = String.valueOf(ctx.journal().facts(name()).get("marker"));
        String markerKey = markerKey(ctx.spec().name());
        RedisNode b = direction.to(ctx);
        long deadline = System.nanoTime() + ctx.spec().cutover().catchUp().toNanos();
        while (!marker.equals(b.callString("GET", markerKey))) {
            if (System.nanoTime() > deadline) {
                throw new FerryException(ExitCode.INCOMPLETE, direction.from + " stays fenced and unreachable, and "
                        + direction.to + " never received the marker: check both servers' logs; restarting "
                        + direction.from + " lifts its fence (maxclients comes from its config)");
            }
            ctx.sleep(Duration.ofMillis(20));
        }
        // b's link holds a's last slot; promoting b frees it, and applications retrying a would race ferry for it:
        // the traffic moves to b first (so they stop retrying a), and ferry knocks before the slot frees
        moveTraffic(ctx, new LinkedHashMap<>());
        SlotGrabber grabber = SlotGrabber.start(direction.from(ctx), SLOT_WAIT);
        ctx.journal().stepFact(name(), "PROMOTING", Map.of("why", "resume: " + direction.from + " unreachable behind its fence"));
        try {
            b.promote();
        } finally {
            grabber.awaitOrFail(direction.to + " is master but " + direction.from + " still admits no one: an application"
                    + " may hold its only slot; stop the applications that connect to " + direction.from
                    + " directly, then run ferry resume again");
        }
        ctx.journal().stepFact(name(), PROMOTED, Map.of(b.label() + "RunId", b.runId()));
        return goForward(ctx, fence(ctx), new LinkedHashMap<>(ctx.journal().facts(name())), System.nanoTime());
    }

    /** Fencing while b is far behind would only make the pause longer: wait (bounded) until it is close. */
    void waitForSmallLag(RunContext ctx) {
        RedisNode a = direction.from(ctx);
        RedisNode b = direction.to(ctx);
        long deadline = System.nanoTime() + SMALL_LAG_WAIT.toNanos();
        long behind = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            behind = a.replication().masterOffset() - b.replication().replicaOffset();
            if (behind <= SMALL_LAG_BYTES) {
                return;
            }
            ctx.sleep(Duration.ofMillis(20));
        }
        ctx.warn(direction.to + " is still " + behind + " bytes behind " + direction.from + " after "
                + SMALL_LAG_WAIT.toSeconds() + "s: fencing anyway, the pause may last up to max-pause (lower the write "
                + "rate or check the link between them)");
    }

    private long awaitCatchUp(RunContext ctx, Fence fence, long captured, String markerKey, String marker, long fencedAt) {
        long deadline = fencedAt + ctx.spec().cutover().maxPause().toNanos();
        long bOffset = -1;
        // a stalled b must not hold ferry past max-pause: every poll gives up within the window
        int pollTimeout = (int) Math.max(50, ctx.spec().cutover().maxPause().toMillis());
        try (RedisNode b = direction.to(ctx).withTimeout("poll", pollTimeout)) {
            while (System.nanoTime() < deadline) {
                try {
                    bOffset = b.replication().replicaOffset();
                    if (bOffset >= captured && marker.equals(b.callString("GET", markerKey))) {
                        return System.nanoTime();
                    }
                } catch (RuntimeException e) {
                    throw abort(ctx, fence, "lost " + b.label() + " while waiting for it to catch up: " + e.getMessage());
                }
                ctx.sleep(CATCH_UP_POLL);
            }
        }
        throw abort(ctx, fence, direction.to + " did not reach " + direction.from + "'s offset " + captured
                + " within max-pause " + ctx.spec().cutover().maxPause().toMillis() + "ms (" + direction.to + " at " + bOffset + ")");
    }

    private FerryException abort(RunContext ctx, Fence fence, String why) {
        try {
            fence.lift();
        } catch (RuntimeException e) {
            return new FerryException(ExitCode.INCOMPLETE, why + "; lifting the fence on " + direction.from
                    + " also failed (" + e.getMessage() + "): " + direction.from + " is fenced; run ferry resume or ferry rollback");
        }
        ctx.journal().stepFact(name(), "ABORTED", Map.of("why", why));
        restoreSwitch(ctx);
        if (direction == Direction.BACK) {
            return new FerryException(ExitCode.ABORTED, "switch-back aborted: " + why + ": b is master again with a as"
                    + " its replica, nothing was lost; raise cutover.max-pause or lower the load, then ferry rollback SPEC again");
        }
        return new FerryException(ExitCode.ABORTED, "cutover aborted: " + why
                + ": a is master again with b as its replica, nothing was lost; raise cutover.max-pause or lower the load, then ferry run SPEC --restart");
    }

    private void holdWithoutFerry(RunContext ctx, Fence fence) {
        try {
            fence.holdWithoutFerry();
        } catch (RuntimeException e) {
            throw abort(ctx, fence, "could not make a's fence outlive ferry: " + e.getMessage());
        }
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
        ctx.journal().stepFact(name(), "PROMOTING", Map.of());
        try {
            b.promote();
        } catch (RuntimeException e) {
            if (!promotedAnyway(b)) {
                throw abort(ctx, fence, b.label() + " refused promotion: " + e.getMessage());
            }
        }
        FailPoints.hit("cutover:promoted-unjournaled");
        ctx.journal().stepFact(name(), PROMOTED, Map.of(b.label() + "RunId", b.runId()));
        FailPoints.hit("cutover:promoted");
    }

    /** The reply was lost but the command may have run: only live state can say. */
    private static boolean promotedAnyway(RedisNode b) {
        try {
            return b.replication().isMaster();
        } catch (FerryException unreachable) {
            throw new FerryException(ExitCode.INCOMPLETE, b.label() + " stopped answering during its promotion: the old"
                    + " master stays fenced; once " + b.label() + " is back, run ferry resume (it finds out from its role"
                    + " whether the promotion happened)");
        }
    }

    /** From b's promotion on: never back. Each part checks live state first, so resume can repeat it. */
    private Map<String, Object> goForward(RunContext ctx, Fence fence, Map<String, Object> facts, long fencedAt) {
        RedisNode a = direction.from(ctx);
        boolean switchFirst = ctx.trafficSwitch().movesBeforeDemotion();
        if (switchFirst) {
            moveTraffic(ctx, facts);
        }
        if (direction.demotes(ctx)) {
            demote(ctx, a, direction.to(ctx));
        } else {
            facts.put("detached", fence.holdDetached());
        }
        facts.put("clientsClosed", a.killApplicationClients());
        if (direction.demotes(ctx)) {
            fence.releaseDemoted();
        }
        facts.put("pauseMillis", millis(System.nanoTime() - fencedAt));
        if (!switchFirst) {
            moveTraffic(ctx, facts);
        }
        return facts;
    }

    void demote(RunContext ctx, RedisNode a, RedisNode b) {
        if (a.replication().replicatesFrom(b.host(), b.port())) {
            return;
        }
        ctx.ledger().set(a, "replica-read-only", "yes");
        // attach also sets masterauth: without it a could not log in to a b that requires a password
        ReplicaSync.attach(ctx, a, b);
        ctx.journal().stepFact(name(), DEMOTED, Map.of());
    }

    void moveTraffic(RunContext ctx, Map<String, Object> facts) {
        if (ctx.journal().reached(name(), SWITCHED)) {
            return;
        }
        Duration took = ctx.trafficSwitch().move(direction.fromEndpoint(ctx), direction.toEndpoint(ctx));
        facts.put("switchMillis", took.toMillis());
        ctx.trafficSwitch().log().ifPresent(log -> facts.put("switchLog", log.toString()));
        ctx.journal().stepFact(name(), SWITCHED, ctx.trafficSwitch().log()
                .<Map<String, Object>>map(log -> Map.of("switchMillis", took.toMillis(), "switchLog", log.toString()))
                .orElse(Map.of("switchMillis", took.toMillis())));
    }

    static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    /** Used by status and post-checks. */
    public static boolean promoted(Journal journal) {
        return journal.reached(NAME, PROMOTED);
    }

    /**
     * The cutover began changing a (and maybe b): only resume, which reads live roles, may go on from here.
     * A fence or b's promotion can be live with no config change pending (before 6.2 the fence ends as a role).
     */
    public static boolean touchedServers(Journal journal) {
        return journal.reached(NAME, "FENCING");
    }
}
