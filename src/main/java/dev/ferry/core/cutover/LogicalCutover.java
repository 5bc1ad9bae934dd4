package dev.ferry.core.cutover;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.LogicalSync;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cutover of the logical sync (issue 14). a refuses CONFIG, so its only fence is a timed
 * {@code CLIENT PAUSE <max-pause> WRITE}, raised in one MULTI with the capture's last heartbeat: once that
 * heartbeat is in the feed and no key is dirty, b holds every write a acknowledged (the pause also stops a's
 * expiry). The keys copied inside the fence are compared, the traffic is switched (the pause is extended by the
 * switch's own time first, so it cannot end before the switch), a's clients are closed and a is held paused
 * for {@link #DETACHED_HOLD} ({@code after: detach}: a cannot follow b). Anything failing before the switch lifts
 * the pause and exits 5; a resume starts a new capture with a full pass first.
 */
public final class LogicalCutover implements Step {
    /** after: detach on a source without CONFIG: the longest a stays paused for writes, unless lifted by hand. */
    static final Duration DETACHED_HOLD = Duration.ofHours(24);
    private static final Duration SMALL_LAG_WAIT = Duration.ofSeconds(10);
    private static final int SMALL_DIRTY = 500;
    private static final Duration POLL = Duration.ofMillis(1);

    @Override
    public String name() {
        return Cutover.NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        long ms = ctx.spec().cutover().maxPause().toMillis();
        return List.of(
                PlannedCommand.redis(a.label(), "MULTI; SET " + LogicalSync.heartbeatKey(ctx.spec().name())
                        + " <nonce>; CLIENT PAUSE " + ms + " WRITE; EXEC", "fence a (timed: a refuses CONFIG) with the last heartbeat"),
                PlannedCommand.redis("b", "RESTORE/DEL of the keys still dirty (every 1ms)",
                        "wait until the heartbeat is in the feed, the sentinels were read again and no key is dirty, at most max-pause"),
                PlannedCommand.redis("a, b", "DUMP of the keys copied inside the fence", "compare them"),
                PlannedCommand.redis(a.label(), "CLIENT PAUSE <switch timeout + max-pause> WRITE", "hold a through the switch"),
                PlannedCommand.redis("-", ctx.trafficSwitch().describe(), "switch the traffic to b"),
                CutoverMoves.planCloseClients(a),
                PlannedCommand.redis(a.label(), "CLIENT PAUSE " + DETACHED_HOLD.toMillis() + " WRITE",
                        "after: detach: a keeps its data and holds writes for " + DETACHED_HOLD.toHours() + "h (lift: CLIENT UNPAUSE)"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        if (ctx.journal().reached(name(), Milestone.PROMOTED)) {
            // a resume once the switch began: clients may write on b already, so a is never copied again
            return forward(ctx, new LinkedHashMap<>(ctx.journal().facts(name())), ctx.nanos());
        }
        // a crash inside the fence before the switch: the pause ran out, a took writes, b is behind: start over
        ctx.canary().stop();
        LogicalSync sync = LogicalSync.of(ctx);
        sync.awaitFullPass(Duration.ofHours(24), () -> ctx.stop().requested()); // a resume's own full pass
        waitForSmallLag(ctx, sync);
        ctx.confirm("cut over now: fence " + a.label() + " (" + a.address() + ") with a timed CLIENT PAUSE "
                + ctx.spec().cutover().maxPause().toMillis() + " WRITE, then switch to b?");
        return fenceAndSwitch(ctx, sync);
    }

    private void waitForSmallLag(RunContext ctx, LogicalSync sync) {
        long deadline = ctx.nanos() + SMALL_LAG_WAIT.toNanos();
        while (ctx.nanos() < deadline) {
            if (sync.dirtyKeys() <= SMALL_DIRTY && sync.gap() == null) {
                return;
            }
            ctx.sleep(Duration.ofMillis(20));
        }
        ctx.warn("the logical sync still has " + sync.dirtyKeys() + " dirty keys after " + SMALL_LAG_WAIT.toSeconds()
                + "s: fencing anyway, the pause may last up to max-pause");
    }

    private Map<String, Object> fenceAndSwitch(RunContext ctx, LogicalSync sync) {
        RedisNode a = ctx.servers().a();
        Duration maxPause = ctx.spec().cutover().maxPause();
        String nonce = UUID.randomUUID().toString();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("fence", "CLIENT PAUSE " + maxPause.toMillis() + " WRITE (timed only)");
        ctx.enterFence("before the fence", facts); // a fleet's other pairs are not fenced while this one is
        sync.prepareFence();
        ctx.journal().stepFact(name(), Milestone.FENCING, Map.of("fence", facts.get("fence"), "marker", nonce));
        long fencedAt = ctx.nanos();
        try {
            sync.fence(() -> a.transaction(List.of(List.of("SET", sync.heartbeatKey(), nonce), pause(maxPause))));
        } catch (RuntimeException e) {
            throw abort(ctx, sync, "could not fence a: " + e.getMessage());
        }
        ctx.journal().stepFact(name(), Milestone.FENCED, Map.of());
        FailPoints.hit("cutover:fenced");
        awaitApplied(ctx, sync, fencedAt, maxPause);
        facts.put("catchUpMillis", CutoverMoves.millis(ctx.nanos() - fencedAt));
        List<String> differing = sync.differingRecordedKeys(ctx.servers().b());
        facts.put("comparedKeys", sync.recordedKeys());
        if (!differing.isEmpty()) {
            throw abort(ctx, sync, differing.size() + " keys changed inside the fence differ on b (" + differing.subList(0,
                    Math.min(5, differing.size())) + ")");
        }
        if (ctx.nanos() - fencedAt > maxPause.toNanos()) {
            throw abort(ctx, sync, "the pause ran out before the switch");
        }
        // the switch may take its own timeout: the pause must outlast it, or a takes writes the switch loses
        extendPause(a, maxPause.plus(ctx.spec().switchSpec().timeout()));
        facts.putAll(sync.facts());
        // b is master all along; PROMOTED marks where it may hold acknowledged writes: from here only forward
        ctx.journal().stepFact(name(), Milestone.PROMOTED, Map.of("b", "takes the traffic"));
        return forward(ctx, facts, fencedAt);
    }

    /** From the switch on: never back; each part is safe to repeat (a resume). */
    private Map<String, Object> forward(RunContext ctx, Map<String, Object> facts, long fencedAt) {
        RedisNode a = ctx.servers().a();
        CutoverMoves.FORWARD.moveTraffic(ctx, facts);
        ctx.sharedIfPresent(LogicalSync.class).ifPresent(LogicalSync::close); // before a's clients are closed
        extendPause(a, DETACHED_HOLD);
        facts.put("clientsClosed", a.killApplicationClients());
        Instant until = ctx.now().plus(DETACHED_HOLD);
        String howToLift = "a holds writes (CLIENT PAUSE WRITE) until " + until + "; to lift: CLIENT UNPAUSE";
        facts.put("detached", howToLift);
        ctx.journal().stepFact(name(), Milestone.DETACHED, Map.of("detached", howToLift));
        facts.put("pauseMillis", CutoverMoves.millis(ctx.nanos() - fencedAt));
        return facts;
    }

    private void awaitApplied(RunContext ctx, LogicalSync sync, long fencedAt, Duration maxPause) {
        long deadline = fencedAt + maxPause.toNanos();
        while (ctx.nanos() < deadline) {
            if (ctx.stop().urgent()) {
                throw abort(ctx, sync, "a second " + ctx.stop().signalName() + " cut the wait short");
            }
            String gap = sync.gap();
            if (gap != null) {
                throw abort(ctx, sync, "the change capture has a gap inside the fence: " + gap);
            }
            if (sync.appliedUpToFence()) {
                return;
            }
            ctx.sleep(POLL);
        }
        throw abort(ctx, sync, "b did not get every change up to the fence within max-pause " + maxPause.toMillis()
                + "ms (" + sync.dirtyKeys() + " keys still dirty)");
    }

    private static List<String> pause(Duration d) {
        return List.of("CLIENT", "PAUSE", Long.toString(d.toMillis()), "WRITE");
    }

    /** A new CLIENT PAUSE replaces the end of the running one when it ends later (Redis 6.2+). */
    private static void extendPause(RedisNode a, Duration d) {
        a.callString("CLIENT", "PAUSE", Long.toString(d.toMillis()), "WRITE");
    }

    private FerryException abort(RunContext ctx, LogicalSync sync, String why) {
        try {
            ctx.servers().a().callString("CLIENT", "UNPAUSE");
        } catch (RedisError | FerryException e) {
            return new FerryException(ExitCode.INCOMPLETE, "cutover aborted: " + why + "; CLIENT UNPAUSE on a also failed ("
                    + e.getMessage() + "): a's pause ends with its timeout (" + ctx.spec().cutover().maxPause().toMillis()
                    + "ms); then ferry run SPEC --restart");
        }
        sync.fenceLifted();
        ctx.journal().stepFact(name(), Milestone.ABORTED, Map.of("why", why));
        ctx.releaseSignals();
        return new FerryException(ExitCode.ABORTED, "cutover aborted: " + why + ": a takes writes again, b is still"
                + " being kept up to date, nothing was lost; raise cutover.max-pause or lower the load, then ferry run SPEC --restart");
    }
}
