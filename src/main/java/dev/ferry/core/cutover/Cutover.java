package dev.ferry.core.cutover;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.sync.ReplicaSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

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
    /**
     * b is polled this often while a is fenced: every millisecond of polling is pause the clients see. On loopback
     * b has a's last bytes within a few round trips, tens of microseconds each.
     */
    private static final Duration CATCH_UP_POLL = Duration.ofNanos(100_000);
    /** How long a resume keeps knocking on an old a's closed door once b's promotion frees its slot. */
    private static final Duration SLOT_WAIT = Duration.ofSeconds(10);

    private final Direction direction;
    private final CutoverMoves moves;
    private final Function<RunContext, CutoverProbe> probes;

    public Cutover() {
        this(Direction.FORWARD);
    }

    public Cutover(Direction direction) {
        this(direction, ctx -> CutoverProbe.of(ctx, direction));
    }

    /** {@code probes} reads the servers around the fence: the real ones, or a fake in unit tests. */
    public Cutover(Direction direction, Function<RunContext, CutoverProbe> probes) {
        this.direction = direction;
        this.moves = new CutoverMoves(direction);
        this.probes = probes;
    }

    /**
     * Which way the cutover moves the master. {@code from} is fenced and demoted, {@code to} promoted; each
     * direction journals under its own step name so a rollback never mistakes the forward run's milestones for its own.
     */
    public enum Direction {
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

        public String stepName() {
            return stepName;
        }

        RedisNode from(RunContext ctx) {
            return ctx.servers().byLabel(from);
        }

        RedisNode to(RunContext ctx) {
            return ctx.servers().byLabel(to);
        }

        String fromLabel() {
            return from;
        }

        String toLabel() {
            return to;
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

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = direction.from(ctx);
        RedisNode b = direction.to(ctx);
        Fence fence = Fence.forSource(a, ctx.ledger(), ctx.spec().cutover().maxPause());
        List<PlannedCommand> commands = new ArrayList<>(fence.plan(Milestone.markerKey(ctx.spec().name())));
        commands.add(PlannedCommand.redis(b.label(), "INFO replication; GET " + Milestone.markerKey(ctx.spec().name()) + " (every 0.1 ms)",
                "wait until " + b.label() + "'s offset >= the captured offset and the marker is on it, at most max-pause"));
        commands.addAll(fence.planHoldWithoutFerry());
        commands.add(PlannedCommand.redis(b.label(), b.version().replicaOfCommand() + " NO ONE", "promote " + b.label()));
        if (ctx.trafficSwitch().movesBeforeDemotion()) {
            commands.addAll(ctx.trafficSwitch().plan(direction.fromEndpoint(ctx), direction.toEndpoint(ctx)));
            commands.add(CutoverMoves.planCloseClients(a)); // at once: they reconnect to b while a is demoted
        }
        if (direction.demotes(ctx)) {
            commands.addAll(CutoverMoves.planDemote(a, b));
        } else {
            commands.addAll(fence.planHoldDetached());
        }
        commands.add(CutoverMoves.planCloseClients(a)); // (again) whoever reached a meanwhile, before the unpause
        if (direction.demotes(ctx)) {
            commands.addAll(fence.planReleaseDemoted());
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
        if (ctx.journal().reached(name(), Milestone.FENCING)) {
            ctx.holdSignals(); // a resume inside the fence window: finish it or abort, as the first run would have
        }
        ReplicationState bState = b.replication();
        if (bState.isMaster() && ctx.journal().reached(name(), Milestone.PROMOTING)) {
            // a crash after REPLICAOF NO ONE: b is master and may hold acknowledged writes; go forward only
            ctx.journal().stepFact(name(), Milestone.PROMOTED, Map.of(b.label(), "found promoted by resume"));
            return goForward(ctx, fence(ctx), new LinkedHashMap<>(ctx.journal().facts(name())), ctx.nanos());
        }
        if (!bState.replicatesFrom(a.host(), a.port())) {
            throw new FerryException(ExitCode.PREFLIGHT, b.label() + " no longer replicates from " + a.label() + " (role "
                    + bState.role() + "): nothing was changed by the cutover; check " + b.label()
                    + ", then ferry run SPEC --restart");
        }
        if (ctx.journal().reached(name(), Milestone.FENCING) && !liftAfterCrash(ctx)) {
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

    /** From the fence to b's promotion; package-private for the unit tests of its abort and timeout paths. */
    Map<String, Object> fenceAndPromote(RunContext ctx, Fence fence) {
        CutoverProbe probe = probes.apply(ctx);
        ctx.canary().stop(); // invariant 1: its last write on a is answered before the fence captures a's offset
        moves.waitForSmallLag(ctx, probe);
        String markerKey = Milestone.markerKey(ctx.spec().name());
        String marker = UUID.randomUUID().toString();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", fence.describe());
        // a stalled b must not hold ferry past max-pause: every poll gives up within the window
        int pollTimeout = (int) Math.max(50, ctx.spec().cutover().maxPause().toMillis());
        try (CutoverProbe poller = probe.withTimeout(pollTimeout)) {
            // nothing that can be done before the window is done inside it: the poll's connection is opened and
            // its code run once (harmless reads on b), the switch made ready (a hook's process started at its gate)
            poller.offset();
            poller.marker(markerKey);
            String toRunId = poller.runId(); // a promotion keeps the run id; a restart inside the window aborts it
            ctx.journal().warm();
            ctx.trafficSwitch().arm(direction.fromEndpoint(ctx), direction.toEndpoint(ctx));
            // the nonce is journaled before it is written, so a resume can recognise it (it is no secret)
            ctx.enterFence("before the fence", facts); // a fleet's other pairs are not fenced while this one is
            ctx.journal().stepFact(name(), Milestone.FENCING, Map.of("fence", fence.describe(), "marker", marker));
            fence.prepare(markerKey, marker); // the old values of what the fence changes, journaled before it
            long fencedAt = ctx.nanos();
            CriticalPath path = new CriticalPath(ctx::nanos, fencedAt);
            long captured;
            try {
                captured = fence.raise(markerKey, marker);
            } catch (RuntimeException e) {
                throw abort(ctx, fence, "could not fence " + direction.from + ": " + e.getMessage());
            }
            path.lap("fence");
            facts.put("capturedOffset", captured);
            // resume finds the fence from live state and FENCING; the offset is for the report
            ctx.journal().stepFactLazily(name(), Milestone.FENCED, Map.of("capturedOffset", captured));
            path.lap("journalFenced");
            FailPoints.hit("cutover:fenced");
            long caughtUpAt = awaitCatchUp(ctx, fence, poller, captured, markerKey, marker, fencedAt);
            facts.put("catchUpMillis", CutoverMoves.millis(caughtUpAt - fencedAt));
            path.lap("catchUp");
            holdWithoutFerry(ctx, fence);
            path.lap("holdWithoutFerry");
            promote(ctx, fence, poller, toRunId, path);
            facts.put("promotedAfterMillis", CutoverMoves.millis(ctx.nanos() - fencedAt));
            return goForward(ctx, fence, facts, fencedAt, path);
        } finally {
            ctx.trafficSwitch().disarm(); // a no-op once the switch moved; otherwise the armed hook exits unrun
        }
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
        String markerKey = Milestone.markerKey(ctx.spec().name());
        RedisNode b = direction.to(ctx);
        long deadline = ctx.nanos() + ctx.spec().cutover().catchUp().toNanos();
        while (!marker.equals(b.callString("GET", markerKey))) {
            if (ctx.nanos() > deadline) {
                throw new FerryException(ExitCode.INCOMPLETE, direction.from + " stays fenced and unreachable, and "
                        + direction.to + " never received the marker: check both servers' logs; restarting "
                        + direction.from + " lifts its fence (maxclients comes from its config)");
            }
            ctx.sleep(Duration.ofMillis(20));
        }
        // b's link holds a's last slot; promoting b frees it, and applications retrying a would race ferry for it:
        // the traffic moves to b first (so they stop retrying a), and ferry knocks before the slot frees
        moves.moveTraffic(ctx, new LinkedHashMap<>());
        SlotGrabber grabber = SlotGrabber.start(direction.from(ctx), SLOT_WAIT, ctx.ticker());
        ctx.journal().stepFact(name(), Milestone.PROMOTING, Map.of("why", "resume: " + direction.from + " unreachable behind its fence"));
        try {
            b.promote();
        } finally {
            grabber.awaitOrFail(direction.to + " is master but " + direction.from + " still admits no one: an application"
                    + " may hold its only slot; stop the applications that connect to " + direction.from
                    + " directly, then run ferry resume again");
        }
        ctx.journal().stepFact(name(), Milestone.PROMOTED, Map.of(b.label() + "RunId", b.runId()));
        return goForward(ctx, fence(ctx), new LinkedHashMap<>(ctx.journal().facts(name())), ctx.nanos());
    }

    private long awaitCatchUp(RunContext ctx, Fence fence, CutoverProbe b, long captured, String markerKey, String marker,
            long fencedAt) {
        long deadline = fencedAt + ctx.spec().cutover().maxPause().toNanos();
        long bOffset = -1;
        while (ctx.nanos() < deadline) {
            if (ctx.stop().urgent()) {
                throw abort(ctx, fence, "a second " + ctx.stop().signalName() + " cut the wait for "
                        + direction.to + " short");
            }
            try {
                bOffset = b.offset();
                if (bOffset >= captured && marker.equals(b.marker(markerKey))) {
                    return ctx.nanos();
                }
            } catch (RuntimeException e) {
                throw abort(ctx, fence, "lost " + direction.to + " while waiting for it to catch up: " + e.getMessage());
            }
            ctx.sleep(CATCH_UP_POLL);
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
        ctx.journal().stepFact(name(), Milestone.ABORTED, Map.of("why", why));
        ctx.trafficSwitch().disarm();
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

    private void promote(RunContext ctx, Fence fence, CutoverProbe b, String runId, CriticalPath path) {
        ctx.journal().stepFact(name(), Milestone.PROMOTING, Map.of());
        path.lap("journalPromoting");
        try {
            b.promote();
        } catch (RuntimeException e) {
            if (!promotedAnyway(b)) {
                throw abort(ctx, fence, direction.to + " refused promotion: " + e.getMessage());
            }
        }
        path.lap("promote");
        FailPoints.hit("cutover:promoted-unjournaled");
        // live state tells a resume that b is master (with PROMOTING on disk), so this line need not wait for the disk
        ctx.journal().stepFactLazily(name(), Milestone.PROMOTED, Map.of(direction.to + "RunId", runId));
        path.lap("journalPromoted");
        FailPoints.hit("cutover:promoted");
    }

    /** The reply was lost but the command may have run: only live state can say. */
    private boolean promotedAnyway(CutoverProbe b) {
        try {
            return b.isMaster();
        } catch (FerryException unreachable) {
            throw new FerryException(ExitCode.INCOMPLETE, direction.to + " stopped answering during its promotion: the old"
                    + " master stays fenced; once " + direction.to + " is back, run ferry resume (it finds out from its role"
                    + " whether the promotion happened)");
        }
    }

    /** From b's promotion on: never back. Each part checks live state first, so resume can repeat it. */
    private Map<String, Object> goForward(RunContext ctx, Fence fence, Map<String, Object> facts, long fencedAt) {
        return goForward(ctx, fence, facts, fencedAt, new CriticalPath(ctx::nanos, fencedAt));
    }

    private Map<String, Object> goForward(RunContext ctx, Fence fence, Map<String, Object> facts, long fencedAt,
            CriticalPath path) {
        RedisNode a = direction.from(ctx);
        boolean switchFirst = ctx.trafficSwitch().movesBeforeDemotion();
        long closed = 0;
        if (switchFirst) {
            moves.moveTraffic(ctx, facts);
            path.lap("switch");
            // the applications now go to b: a's clients are closed at once, so they reconnect there without waiting
            // for a's demotion; a stays fenced (paused, and refusing writes) until it follows b
            closed += a.killApplicationClients();
            path.lap("closeClients");
        }
        boolean demoted = direction.demotes(ctx) && moves.demote(ctx, a, direction.to(ctx));
        if (!demoted) {
            facts.put("detached", fence.holdDetached());
        }
        path.lap("demote");
        // (again) whoever reached a in the meantime is closed before the unpause, so no one is left on the old master
        closed += a.killApplicationClients();
        facts.put("clientsClosed", closed);
        path.lap(switchFirst ? "closeLateClients" : "closeClients");
        if (demoted) {
            fence.releaseDemoted();
        }
        path.lap("unpause");
        facts.put("pauseMillis", CutoverMoves.millis(ctx.nanos() - fencedAt));
        facts.put("phasesMillis", path.phases());
        if (!switchFirst) {
            moves.moveTraffic(ctx, facts);
        }
        return facts;
    }

    /** Used by status and post-checks. */
    public static boolean promoted(Journal journal) {
        return journal.reached(NAME, Milestone.PROMOTED);
    }

    /**
     * The cutover began changing a (and maybe b): only resume, which reads live roles, may go on from here.
     * A fence or b's promotion can be live with no config change pending (before 6.2 the fence ends as a role).
     */
    public static boolean touchedServers(Journal journal) {
        return journal.reached(NAME, Milestone.FENCING);
    }
}
