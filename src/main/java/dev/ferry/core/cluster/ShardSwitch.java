package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Fence;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Step 5 of a shard, the switch: a fenced {@code CLUSTER FAILOVER}. The reasoning, from the Redis source, is in
 * docs/cluster-internals.md:
 * <ol>
 * <li>a is fenced as in a standalone {@code pause} cutover (one MULTI: the marker, {@code min-replicas-to-write}
 * above any replica count, {@code CLIENT PAUSE max-pause WRITE}) and its offset read: from here no write a
 * acknowledges can be lost, because a acknowledges none until ferry lifts the fence, whatever else happens;</li>
 * <li>b's offset reaches a's;</li>
 * <li>b is told to fail over (the default flavour: a pauses itself too, stops its replication pings, and Redis
 * checks the offsets are equal once more); the other masters' votes promote it and it takes a's slots;</li>
 * <li>only once a itself lists itself as b's replica is the fence lifted: a writer held by the pause is then
 * answered MOVED, never by a master that has not heard the news.</li>
 * </ol>
 * A failover not won within {@link #FAILOVER_WAIT} is cancelled with {@code CLUSTER REPLICATE <a>} on b, which
 * resets b's manual failover at once and is refused once b has won (then the switch goes forward): cancelled, a is
 * master again and the fence is lifted; the next attempt waits until the voters may vote for this master again.
 * Failovers of the cluster's shards run one at a time. A crash anywhere leaves the fence durable (the config
 * outlives the pause); resume cancels or confirms a failover it may have sent, from b's own view.
 */
public final class ShardSwitch extends ShardStep {
    public static final String NAME = "cutover";
    /** Before a's own manual-failover pause ends (CLUSTER_MF_TIMEOUT, 5s in every version), with a margin. */
    static final Duration FAILOVER_WAIT = Duration.ofSeconds(4);
    /** How long a refused cancel (b won) may take to show in b's own view. */
    static final Duration WON_SHOWS = Duration.ofSeconds(2);
    static final String NO_FAILOVER = "cluster-replica-no-failover";
    /** b is a few loopback round trips behind a at the fence: a 1 ms poll was most of that wait. */
    private static final Duration OFFSET_POLL = Duration.ofNanos(100_000);
    /**
     * Kill points inside the switch (FERRY_FAILPOINT): a fenced, the failover sent and not yet decided, b promoted
     * before and after the journal says so (a may not have learned it yet: it must stay fenced).
     */
    public static final String FAIL_FENCED = "cluster-cutover:fenced";
    public static final String FAIL_FAILOVER_SENT = "cluster-cutover:failover-sent";
    public static final String FAIL_PROMOTED_UNJOURNALED = "cluster-cutover:promoted-unjournaled";
    public static final String FAIL_PROMOTED = "cluster-cutover:promoted";
    private static final String MARKER_PREFIX = "ferry:cluster-marker:";

    /** Why the last attempt of this run failed, for the message when none is left. */
    private String lastFailure = "no majority of masters voted within the 5s window each time";

    public ShardSwitch(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Fence fence = fence(ctx);
        List<PlannedCommand> commands = new ArrayList<>(fence.plan(marker(ctx, slotsOf(a))));
        commands.add(PlannedCommand.redis(b.address(), "INFO replication (every 0.1 ms, within max-pause)",
                "wait until b's offset reaches a's fenced offset"));
        commands.add(PlannedCommand.redis(b.address(), "CLUSTER FAILOVER",
                "b asks a and the masters: a pauses, offsets compared, votes; b takes a's slots"));
        commands.add(PlannedCommand.redis(b.address(), "CLUSTER NODES (every 20ms, at most "
                + FAILOVER_WAIT.toMillis() + "ms)", "wait until b serves a's slots"));
        commands.add(PlannedCommand.redis(b.address(), "CLUSTER REPLICATE <a's id> (only if not promoted by then)",
                "cancel the failover (refused once b has won); then lift the fence on a and retry"));
        commands.add(PlannedCommand.redis(a.address(), "CLUSTER NODES (every 20ms)",
                "wait until a lists itself as b's replica (a stays fenced until then)"));
        commands.addAll(fence.planReleaseDemoted());
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        BitSet slots = journaledSlots(ctx);
        if (servesAll(b, slots)) {
            return finish(ctx, slots, journaledAttempt(ctx));
        }
        settleInterruptedAttempt(ctx, slots);
        if (servesAll(b, slots)) {
            return finish(ctx, slots, journaledAttempt(ctx));
        }
        int attempts = shard.cluster().spec().switchAttempts();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                ctx.sleep(retryWait(ctx));
            }
            if (attempt(ctx, slots, attempt)) {
                return finish(ctx, slots, attempt);
            }
        }
        throw new FerryException(ExitCode.STOPPED, shard.label() + ": b was not promoted in " + attempts
                + " fenced failover attempt(s) (last: " + lastFailure + ");"
                + " a is master again, unfenced: check that most masters are up and reach each other, then ferry resume");
    }

    /** The attempt a run killed inside the switch had reached (0 if none was journaled): for the report. */
    private static int journaledAttempt(RunContext ctx) {
        return Integer.parseInt(String.valueOf(ctx.journal().facts(NAME).getOrDefault("attempt", 0)));
    }

    /** a's slots as the first attempt journaled them; after the switch a serves none, so they are read once. */
    private BitSet journaledSlots(RunContext ctx) {
        Object written = ctx.journal().facts(NAME).get("slots");
        if (written != null) {
            return NodesView.parseRanges(String.valueOf(written));
        }
        BitSet slots = slotsOf(ctx.servers().a());
        if (slots.isEmpty()) {
            throw new FerryException(ExitCode.STOPPED, shard.label() + ": a serves no slots and b has none of them:"
                    + " check CLUSTER NODES; the shard may have been moved by hand");
        }
        ctx.journal().stepFact(NAME, "SLOTS", Map.of("slots", NodesView.ranges(slots)));
        return slots;
    }

    /**
     * A run killed inside a switch: a failover may have been sent, whether or not PROMOTING reached the journal (lines
     * of the fence window are not forced to disk, so an OS crash may lose them), so it is cancelled, which b refuses once it has won; then a
     * fence still up is lifted (a is master: nothing it acknowledged is lost, b has all of it). A cancel with no
     * failover in flight only makes b reconnect to a, by partial resync.
     */
    private void settleInterruptedAttempt(RunContext ctx, BitSet slots) {
        if (!ctx.journal().reached(NAME, Milestone.FENCING)) {
            return;
        }
        if (!cancelled(ctx, slots)) {
            return; // b won: finish() lifts the fence once a has learned it
        }
        fence(ctx).lift();
    }

    private boolean attempt(RunContext ctx, BitSet slots, int attempt) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Fence fence = fence(ctx);
        shard.failoverLock().acquireUninterruptibly();
        try {
            String nonce = UUID.randomUUID().toString();
            String marker = marker(ctx, slots);
            ctx.journal().warm(); // nothing cold inside the window: the journal's JSON is past its reflection warm-up
            b.replication();
            ctx.journal().stepFact(NAME, Milestone.FENCING, Map.of("attempt", attempt, "nonce", nonce));
            ctx.holdSignals();
            fence.prepare(marker, nonce); // the old values of what the fence changes, on disk before the window
            long fencedAt = ctx.nanos();
            long offset;
            try {
                offset = fence.raise(marker, nonce);
            } catch (RedisError refused) {
                return refusedFence(ctx, fence, attempt, refused);
            }
            // inside the fence window no journal line waits for the disk (Journal.stepFactLazily): resume decides
            // these facts from b's own view (settleInterruptedAttempt), and each fsync held every client of the shard
            ctx.journal().stepFactLazily(NAME, Milestone.FENCED, Map.of("offset", offset));
            FailPoints.hit(FAIL_FENCED);
            if (!awaitOffset(ctx, b, offset, fencedAt)) {
                fence.lift();
                lastFailure = "b did not reach a's offset within max-pause";
                ctx.journal().stepFact(NAME, Milestone.FAILOVER_TIMED_OUT, Map.of("attempt", attempt,
                        "why", "b did not reach a's offset " + offset + " within max-pause"));
                return false;
            }
            ctx.journal().stepFactLazily(NAME, Milestone.PROMOTING, Map.of("attempt", attempt));
            b.callString("CLUSTER", "FAILOVER");
            FailPoints.hit(FAIL_FAILOVER_SENT);
            if (awaitPromotion(ctx, slots, FAILOVER_WAIT) || !cancelled(ctx, slots)) {
                FailPoints.hit(FAIL_PROMOTED_UNJOURNALED);
                ctx.journal().stepFactLazily(NAME, Milestone.PROMOTED, Map.of("attempt", attempt,
                        "ms", (ctx.nanos() - fencedAt) / 1_000_000));
                FailPoints.hit(FAIL_PROMOTED);
                return true;
            }
            fence.lift();
            lastFailure = "no majority of masters voted for b within the failover window";
            ctx.journal().stepFact(NAME, Milestone.FAILOVER_TIMED_OUT, Map.of("attempt", attempt,
                    "why", "no majority of masters voted for b within the failover window"));
            return false;
        } finally {
            shard.failoverLock().release();
        }
    }

    /**
     * a refused the fencing transaction, e.g. CLUSTERDOWN while it cannot reach a majority of masters: EXEC ran
     * nothing (or part of it, so the fence is lifted anyway) and no failover was sent: the attempt failed, b is still
     * a's replica, and the next one waits as after a lost vote (the cluster may have healed by then).
     */
    private boolean refusedFence(RunContext ctx, Fence fence, int attempt, RedisError refused) {
        fence.lift();
        lastFailure = "a refused the fence (" + refused.getMessage() + ")";
        ctx.journal().stepFact(NAME, Milestone.FAILOVER_TIMED_OUT, Map.of("attempt", attempt, "why", lastFailure));
        return false;
    }

    /**
     * Cancels b's failover if it has not won: CLUSTER REPLICATE toward a resets b's manual failover on the spot, and
     * is refused once b holds slots (it won). Returns false when b won.
     */
    private boolean cancelled(RunContext ctx, BitSet slots) {
        RedisNode b = ctx.servers().b();
        try {
            b.callString("CLUSTER", "REPLICATE", Cluster.idOf(ctx.servers().a()));
        } catch (RedisError refused) {
            if (awaitPromotion(ctx, slots, WON_SHOWS)) {
                return false;
            }
            throw new FerryException(ExitCode.INCOMPLETE, shard.label() + ": b refused to cancel its failover ("
                    + refused.getMessage() + ") but does not serve a's slots: a stays fenced; check CLUSTER NODES on"
                    + " a and b, then ferry resume");
        }
        return !servesAll(b, slots);
    }

    /** After a promotion: a stays fenced until it has learned it is b's replica; then the fence comes off. */
    private Map<String, Object> finish(RunContext ctx, BitSet slots, int attempt) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        String bId = Cluster.idOf(b);
        if (!ctx.journal().reached(NAME, Milestone.PROMOTED)) {
            ctx.journal().stepFact(NAME, Milestone.PROMOTED, Map.of("found", "b already serves a's slots"));
        }
        long start = ctx.nanos();
        shard.awaitViews(ctx, List.of(a), view -> view.myself().replicaOf(bId), shard.cluster().spec().settleTimeout(),
                "itself as b's replica (a stays fenced: it refuses writes)", ExitCode.INCOMPLETE, Shard.SWITCH_POLL);
        fence(ctx).releaseDemoted();
        ctx.ledger().restore(b, NO_FAILOVER);
        long learnedMs = (ctx.nanos() - start) / 1_000_000;
        ctx.journal().stepFact(NAME, Milestone.DEMOTED, Map.of("learnedMs", learnedMs));
        b.call("DEL", marker(ctx, slots));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("slots", NodesView.ranges(slots));
        facts.put("attempts", attempt);
        facts.put("aLearnedMs", learnedMs);
        return facts;
    }

    private boolean awaitOffset(RunContext ctx, RedisNode b, long offset, long fencedAt) {
        long deadline = fencedAt + ctx.spec().cutover().maxPause().toNanos() / 2;
        while (b.replication().replicaOffset() < offset) {
            if (ctx.nanos() > deadline) {
                return false;
            }
            ctx.sleep(OFFSET_POLL);
        }
        return true;
    }

    private boolean awaitPromotion(RunContext ctx, BitSet slots, Duration window) {
        long deadline = ctx.nanos() + window.toNanos();
        while (!servesAll(ctx.servers().b(), slots)) {
            if (ctx.nanos() > deadline) {
                return false;
            }
            ctx.sleep(Shard.SWITCH_POLL);
        }
        return true;
    }

    /**
     * Whether b, in its own view, is a master serving every one of {@code slots}. Polled every 2 ms inside the fence:
     * {@code INFO replication} first, so that b's whole {@code CLUSTER NODES} (a line per node of the cluster) is
     * read and parsed only once b reports itself master.
     */
    private static boolean servesAll(RedisNode b, BitSet slots) {
        if (!b.replication().isMaster()) {
            return false;
        }
        ClusterNode me = Cluster.view(b).myself();
        if (!me.master()) {
            return false;
        }
        BitSet missing = (BitSet) slots.clone();
        missing.andNot(me.slots());
        return missing.isEmpty();
    }

    /**
     * A voter grants a vote for the same master once per two node timeouts, and the election it answered may still
     * run for two more: the next attempt waits max(4 x node timeout, 4s).
     */
    private static Duration retryWait(RunContext ctx) {
        long nodeTimeout = Long.parseLong(ctx.servers().b().configGet("cluster-node-timeout").orElse("15000"));
        return Duration.ofMillis(Math.max(4 * nodeTimeout, 4000));
    }

    private static BitSet slotsOf(RedisNode a) {
        return Cluster.view(a).myself().slots();
    }

    private Fence fence(RunContext ctx) {
        return Fence.forSource(ctx.servers().a(), ctx.ledger(), ctx.spec().cutover().maxPause());
    }

    private static String marker(RunContext ctx, BitSet slots) {
        return SlotKeys.keyIn(MARKER_PREFIX + ctx.spec().name(), slots);
    }
}
