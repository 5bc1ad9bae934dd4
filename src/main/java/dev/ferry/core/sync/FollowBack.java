package dev.ferry.core.sync;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import dev.ferry.core.redis.ReplicationState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A demoted server following the master that replaced it (a after the cutover, b after a rollback), without
 * ever being left where it must load an RDB it cannot read (invariant 6).
 *
 * <p>A full sync empties the replica before it loads, so a follower that cannot load the master's RDB must get a
 * partial resync. The conditions are those of {@code masterTryPartialResynchronization} in Redis'
 * {@code src/replication.c}: the follower asks with its own replication id and offset + 1 (PSYNC2 keeps them when
 * a master is demoted); the master accepts when that id is its {@code master_replid2} and the offset is at most
 * its {@code second_repl_offset} (the history they share), and its backlog still holds the offset. They are read
 * right before {@code REPLICAOF}; anything that adds to the follower's offset in between (the PINGs a master sends
 * its other replicas every {@code repl-ping-replica-period}, an expired key before 6.2's write pause) turns the
 * resync full, so the ping period is raised first and the outcome is confirmed after.
 *
 * <p>Checked on real servers (7.0.15 replica, 7.2.6 master sending RDB 11): with {@code repl-diskless-load
 * disabled} (the default) the replica logs "Flushing old data", then "Can't handle RDB format version 11", and
 * retries every 100ms: it is empty and stays empty, about ten full syncs a second. With {@code swapdb} it loads
 * into a temporary dataset, the load fails the same way, and it keeps its 100 keys (still retrying). So before
 * the {@code REPLICAOF}: swapdb on a 6.0+ follower, and on the master a diskless-sync delay of at least 5s, so
 * that a full sync ferry did not expect sends nothing before ferry has seen it (b's {@code sync_full} rises at
 * once) and detached the follower again: a disk-loading follower flushes only once the transfer is complete.
 */
public final class FollowBack {
    /** Journaled under the calling step when the follower was kept detached instead (resume keeps it so). */
    public static final String HELD_DETACHED = "FOLLOW_BACK_REFUSED";
    static final String FOLLOWING = "FOLLOW_BACK";
    static final String CONFIRMED = "FOLLOW_BACK_CONFIRMED";
    private static final String WAS_REPLICA_OF = "followerWasReplicaOf";
    /** How long a partial resync may take to show on both sides before ferry gives up on it. */
    private static final Duration CONFIRM_WAIT = Duration.ofSeconds(5);
    private static final Duration CONFIRM_POLL = Duration.ofMillis(2);
    /** A full sync toward the follower waits this long on the master before it sends a byte. */
    private static final int GUARD_DELAY_SECONDS = 5;
    /** No PING from the demoted master to its other replicas between the check and REPLICAOF. */
    private static final String NO_PINGS = "3600";

    /**
     * Tests only: called at "before-check" and "before-replicaof", so a test can provoke on real servers what the
     * checks guard against (a backlog that no longer holds a's offset, before or after they were read).
     */
    static volatile Consumer<String> testHook = point -> { };

    private FollowBack() {
    }

    /** Which way a server can follow a master of another version. */
    public enum Path {
        /** It can load the master's RDB: a partial resync is expected, a full one would be safe too. */
        LOADS_RDB,
        /** Both PSYNC2 but it cannot load the master's RDB: only a partial resync is allowed. */
        PARTIAL_ONLY,
        /** No PSYNC2 on one side and an RDB it cannot load: any resync is full and would empty it. */
        REFUSED
    }

    /** The path and the sentence that explains it, for preflight and the report. */
    public record Decision(Path path, String why) {
        public boolean allowed() {
            return path != Path.REFUSED;
        }
    }

    public static Decision decide(String follower, RedisVersion f, String master, RedisVersion m) {
        if (f.canLoadRdbOf(m)) {
            return new Decision(Path.LOADS_RDB, follower + " (" + f + ") can load " + master + "'s RDB " + m.rdbVersion()
                    + (f.hasPsync2() && m.hasPsync2() ? ": a partial resync (PSYNC2) is expected, a full one would be safe too"
                            : ": a full resync (3.x has no PSYNC2), which is safe"));
        }
        String cannot = follower + " (" + f + ") cannot load " + master + "'s RDB " + m.rdbVersion();
        if (f.hasPsync2() && m.hasPsync2()) {
            return new Decision(Path.PARTIAL_ONLY, follower + " follows " + master + " by partial resync (PSYNC2): " + cannot
                    + ", so a full resync would be refused (checked before REPLICAOF, confirmed after)");
        }
        RedisVersion old = f.hasPsync2() ? m : f;
        return new Decision(Path.REFUSED, cannot + " and " + (old == f ? follower : master) + " (" + old
                + ") has no PSYNC2 (4.0+): as " + master + "'s replica it would empty itself and fail to load");
    }

    /**
     * Makes the follower replicate from the master if that can only end in a partial resync (or it can load the
     * master's RDB). Returns false when the follower was kept, or put back, as a master with its data: the caller
     * then holds it detached and fenced.
     */
    public static boolean follow(RunContext ctx, String step, RedisNode follower, RedisNode master) {
        if (ctx.journal().reached(step, HELD_DETACHED)) {
            return false;
        }
        Decision decision = decide(follower.label(), follower.version(), master.label(), master.version());
        if (follower.replication().replicatesFrom(master.host(), master.port())) {
            return !unconfirmed(ctx.journal(), step, decision) || confirm(ctx, step, follower, master);
        }
        if (decision.path() == Path.LOADS_RDB) {
            // a full resync is safe here: nothing to undo, so one read of b's counters and one journal line, no
            // more (this runs inside the cutover's pause)
            Map<String, Object> counters = counters(decision, master, Map.of());
            ReplicaSync.attach(ctx, follower, master);
            ctx.journal().stepFactLazily(step, CONFIRMED, counters); // live state (a follows b) tells it again
            return true;
        }
        ReplicationState before = follower.replication();
        // before 6.2 a detached or fenced follower is a read-only replica of itself: undoing REPLICAOF puts that back
        journalCounters(ctx, step, decision, master, Map.of(WAS_REPLICA_OF,
                before.isReplica() ? before.masterHost() + ":" + before.masterPort() : ""));
        return decision.path() == Path.REFUSED ? hold(ctx, step, follower, master, decision.why())
                : followPartially(ctx, step, follower, master);
    }

    private static boolean followPartially(RunContext ctx, String step, RedisNode follower, RedisNode master) {
        testHook.accept("before-check");
        guard(ctx, follower, master);
        List<String> failed = partialResyncBlockers(follower.info("replication"), master.info("replication"));
        if (!failed.isEmpty()) {
            unguard(ctx, follower, master);
            return hold(ctx, step, follower, master, "a partial resync is not possible: " + String.join("; ", failed));
        }
        testHook.accept("before-replicaof");
        ReplicaSync.attach(ctx, follower, master);
        FailPoints.hit("follow-back:attached");
        return confirm(ctx, step, follower, master);
    }

    /** b's sync counters before REPLICAOF: whether a full sync followed, for the confirmation and the report. */
    private static void journalCounters(RunContext ctx, String step, Decision decision, RedisNode master,
            Map<String, Object> more) {
        ctx.journal().stepFact(step, FOLLOWING, counters(decision, master, more));
    }

    /** The path taken and b's resync counters before REPLICAOF: afterwards they tell a partial resync from a full one. */
    private static Map<String, Object> counters(Decision decision, RedisNode master, Map<String, Object> more) {
        Info stats = master.info("stats");
        Map<String, Object> facts = new LinkedHashMap<>(more);
        facts.put("followPath", decision.path().name());
        facts.put("bSyncFullBefore", stats.getLong("sync_full", 0));
        facts.put("bSyncPartialOkBefore", stats.getLong("sync_partial_ok", 0));
        return facts;
    }

    /**
     * Cutover mode failover: Redis demotes a itself, by the same PSYNC; ferry cannot check in between, so where a
     * cannot load b's RDB it sets swapdb first (left set, reported) and journals b's counters for the report.
     */
    public static void beforeFailover(RunContext ctx, String step, RedisNode a, RedisNode b) {
        Decision decision = decide(a.label(), a.version(), b.label(), b.version());
        journalCounters(ctx, step, decision, b, Map.of());
        if (decision.path() == Path.PARTIAL_ONLY && a.version().hasSwapdbLoad()) {
            ctx.ledger().set(a, "repl-diskless-load", "swapdb");
            ctx.ledger().leave(a, "repl-diskless-load", "swapdb keeps a's data if its resync from b after FAILOVER, or a"
                    + " later one, is a full one with an RDB a cannot load");
        }
    }

    /** A crash between REPLICAOF and its confirmation: resume confirms (or undoes) it from live state. */
    private static boolean unconfirmed(Journal journal, String step, Decision decision) {
        return decision.path() == Path.PARTIAL_ONLY && journal.reached(step, FOLLOWING) && !journal.reached(step, CONFIRMED);
    }

    private static boolean confirm(RunContext ctx, String step, RedisNode follower, RedisNode master) {
        Map<String, Object> journaled = ctx.journal().facts(step);
        Optional<String> notPartial = awaitPartial(ctx, follower, master, number(journaled.get("bSyncFullBefore")));
        if (notPartial.isPresent()) {
            undoReplicaOf(follower, String.valueOf(journaled.getOrDefault(WAS_REPLICA_OF, "")));
            unguard(ctx, follower, master);
            return hold(ctx, step, follower, master, notPartial.get());
        }
        unguard(ctx, follower, master);
        ctx.journal().stepFact(step, CONFIRMED, Map.of());
        return true;
    }

    /** Stops the transfer before the follower flushes anything (the guard's delay holds it back on the master). */
    private static void undoReplicaOf(RedisNode follower, String wasReplicaOf) {
        int colon = wasReplicaOf.lastIndexOf(':');
        if (colon < 0) {
            follower.promote();
        } else {
            follower.replicaOf(wasReplicaOf.substring(0, colon), Integer.parseInt(wasReplicaOf.substring(colon + 1)));
        }
    }

    public static List<PlannedCommand> plan(RedisNode follower, RedisNode master) {
        Decision decision = decide(follower.label(), follower.version(), master.label(), master.version());
        String f = follower.label();
        String m = master.label();
        String replicaOf = follower.version().replicaOfCommand() + " " + master.host() + " " + master.port();
        if (decision.path() == Path.LOADS_RDB) {
            return List.of(PlannedCommand.redis(f, replicaOf, f + " follows " + m + ": " + decision.why()));
        }
        if (decision.path() == Path.REFUSED) {
            return List.of(PlannedCommand.redis(f, "(none)", decision.why() + ": " + f + " stays detached and fenced"));
        }
        List<PlannedCommand> commands = new ArrayList<>();
        if (follower.version().hasSwapdbLoad()) {
            commands.add(PlannedCommand.redis(f, "CONFIG SET repl-diskless-load swapdb",
                    "a failed load of a full sync keeps " + f + "'s data (left set)"));
        }
        commands.add(PlannedCommand.redis(f, "CONFIG SET " + follower.version().configName("repl-ping-replica-period")
                + " " + NO_PINGS, "no PING moves " + f + "'s offset before " + replicaOf));
        commands.add(PlannedCommand.redis(m, "CONFIG SET repl-diskless-sync yes; CONFIG SET repl-diskless-sync-delay >= "
                + GUARD_DELAY_SECONDS, "an unexpected full sync toward " + f + " sends nothing before ferry stops it"));
        commands.add(PlannedCommand.redis(f + "," + m, "INFO replication", "partial resync possible: " + f
                + "'s master_replid = " + m + "'s master_replid2, offset + 1 <= second_repl_offset, in " + m + "'s backlog;"
                + " otherwise " + f + " stays detached and fenced"));
        commands.add(PlannedCommand.redis(f, replicaOf, decision.why()));
        commands.add(PlannedCommand.redis(f + "," + m, "INFO replication; INFO stats (every 2ms, at most "
                + CONFIRM_WAIT.toSeconds() + "s)", "confirm the resync was partial; if " + m + " starts a full one: "
                + follower.version().replicaOfCommand() + " NO ONE on " + f + ", detached and fenced"));
        commands.add(PlannedCommand.redis(f + "," + m, "CONFIG SET (the old values)", "undo the ping period and the"
                + " diskless-sync settings"));
        return commands;
    }

    /** Swapdb on the follower (kept afterwards), no pings from it, and a delay before any full sync on the master. */
    private static void guard(RunContext ctx, RedisNode follower, RedisNode master) {
        if (follower.version().hasSwapdbLoad()) {
            ctx.ledger().set(follower, "repl-diskless-load", "swapdb");
        }
        ctx.ledger().set(follower, "repl-ping-replica-period", NO_PINGS);
        ctx.ledger().set(master, "repl-diskless-sync", "yes");
        long delay = master.configGet("repl-diskless-sync-delay").map(Long::parseLong).orElse(0L);
        if (delay < GUARD_DELAY_SECONDS) {
            ctx.ledger().set(master, "repl-diskless-sync-delay", Integer.toString(GUARD_DELAY_SECONDS));
        }
    }

    private static void unguard(RunContext ctx, RedisNode follower, RedisNode master) {
        ctx.ledger().restore(follower, "repl-ping-replica-period");
        ctx.ledger().restore(master, "repl-diskless-sync-delay");
        ctx.ledger().restore(master, "repl-diskless-sync");
        ctx.ledger().leave(follower, "repl-diskless-load", "swapdb keeps " + follower.label() + "'s data if a later full"
                + " resync from " + master.label() + " brings an RDB it cannot load (it needs memory for two copies then)");
    }

    /**
     * What would make the master answer the follower's PSYNC with a full resync, from both servers' INFO
     * replication (the follower still a master). Empty when a partial resync will be accepted.
     */
    static List<String> partialResyncBlockers(Info follower, Info master) {
        List<String> failed = new ArrayList<>();
        String replid = follower.get("master_replid", "");
        long psyncOffset = follower.getLong("master_repl_offset", -1) + 1;
        if (!replid.equals(master.get("master_replid2", "")) && !replid.equals(master.get("master_replid", ""))) {
            failed.add("its replication id " + replid + " is neither of the master's (" + master.get("master_replid", "")
                    + ", " + master.get("master_replid2", "") + ")");
        } else if (replid.equals(master.get("master_replid2", "")) && psyncOffset > master.getLong("second_repl_offset", -1)) {
            failed.add("its offset " + (psyncOffset - 1) + " went past the history they share (up to "
                    + (master.getLong("second_repl_offset", -1) - 1) + "): it took writes or PINGs after the promotion");
        }
        long first = master.getLong("repl_backlog_first_byte_offset", -1);
        long histlen = master.getLong("repl_backlog_histlen", -1);
        if (master.getLong("repl_backlog_active", 0) != 1 || psyncOffset < first || psyncOffset > first + histlen) {
            failed.add("the master's backlog (" + first + " + " + histlen + " bytes) no longer holds offset " + psyncOffset);
        }
        return failed;
    }

    /**
     * Partial means: the link came up, the master served no full sync, and the follower took the master's id
     * (+CONTINUE carries it). A full sync shows at once in the master's sync_full, long before the guard lets it send.
     */
    private static Optional<String> awaitPartial(RunContext ctx, RedisNode follower, RedisNode master, long fullBefore) {
        long deadline = System.nanoTime() + CONFIRM_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (master.info("stats").getLong("sync_full", 0) > fullBefore) {
                return Optional.of(master.label() + " started a full resync toward " + follower.label()
                        + " against the checks (it would empty " + follower.label() + ")");
            }
            Info f = follower.info("replication");
            if ("up".equals(f.get("master_link_status", "")) && f.get("master_replid", "").equals(
                    master.info("replication").get("master_replid", "?"))) {
                return Optional.empty();
            }
            ctx.sleep(CONFIRM_POLL);
        }
        return Optional.of(follower.label() + "'s link to " + master.label() + " did not come up within "
                + CONFIRM_WAIT.toSeconds() + "s");
    }

    private static boolean hold(RunContext ctx, String step, RedisNode follower, RedisNode master, String why) {
        String wayOut = follower.label() + " keeps its data, detached and fenced; to make it a replica of "
                + master.label() + " again, wipe it and let it load a full sync from a server it can read, or move "
                + master.label() + "'s data to a newer server";
        ctx.warn(follower.label() + " does not follow " + master.label() + ": " + why + "; " + wayOut);
        ctx.journal().stepFact(step, HELD_DETACHED, Map.of("followBackRefused", why, "wayOut", wayOut));
        return false;
    }

    /** Whether a run kept a detached because following b could have emptied it. */
    public static boolean heldDetached(Journal journal, String step) {
        return journal.reached(step, HELD_DETACHED);
    }

    /** How the follower resynced, from the master's counters journaled before REPLICAOF: for the report. */
    public static String resyncKind(Journal journal, String step, RedisNode master) {
        Map<String, Object> facts = journal.facts(step);
        if (!facts.containsKey("bSyncFullBefore")) {
            return "unknown (a already followed b)";
        }
        Info stats = master.info("stats");
        long full = stats.getLong("sync_full", 0) - number(facts.get("bSyncFullBefore"));
        long partial = stats.getLong("sync_partial_ok", 0) - number(facts.get("bSyncPartialOkBefore"));
        return full == 0 ? "partial (" + partial + " partial, no full sync served)" : "full (" + full + " full syncs served)";
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    public static Map<String, Object> facts(Journal journal, String step) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> all = journal.facts(step);
        for (String key : List.of("followPath", "followBackRefused", "wayOut")) {
            if (all.containsKey(key)) {
                out.put(key, all.get(key));
            }
        }
        return out;
    }
}
