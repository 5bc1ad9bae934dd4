package dev.ferry.core.sync;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.SyncProgress;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.Credentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes one server replicate from another and waits, honestly, until it has: the link is up, the replica is
 * not loading, and its offset has reached the master's offset read after the link came up.
 * {@code master_sync_in_progress} alone is not trusted: it reads 0 during the diskless-sync delay.
 */
public final class ReplicaSync {
    /** INFO is cheap; a coarse poll would add up to one interval to every sync ferry waits for. */
    private static final Duration POLL = Duration.ofMillis(20);
    /** More full syncs than this while waiting means the replica keeps failing and retrying. */
    private static final int FULL_SYNC_LOOP = 3;
    /** The master's key count is re-read this many polls apart (about once a second). */
    private static final int KEY_COUNT_EVERY = 50;

    private ReplicaSync() {
    }

    public static List<PlannedCommand> plan(RedisNode replica, RedisNode master) {
        List<PlannedCommand> commands = new ArrayList<>();
        if (master.credentials().isPresent()) {
            commands.add(PlannedCommand.redis(replica.label(), "CONFIG SET masterauth ***",
                    "so " + replica.label() + " can authenticate to " + master.label()));
        }
        commands.add(PlannedCommand.redis(replica.label(), replica.version().replicaOfCommand() + " " + master.host()
                + " " + master.port(), "erases " + replica.label() + "'s data and copies " + master.label() + "'s"));
        commands.add(PlannedCommand.redis(replica.label(), "INFO replication; INFO persistence (every 20ms)",
                "wait until link up, loading:0, offset >= " + master.label() + "'s"));
        return commands;
    }

    /** Points the replica at the master unless it already follows it. Returns whether a command was sent. */
    public static boolean attach(RunContext ctx, RedisNode replica, RedisNode master) {
        if (replica.replication().replicatesFrom(master.host(), master.port())) {
            return false;
        }
        master.credentials().ifPresent(c -> setMasterAuth(ctx, replica, c));
        replica.replicaOf(master.host(), master.port());
        return true;
    }

    /** The replica must authenticate to its master; the secret is never journaled, only that it was set. */
    public static void setMasterAuth(RunContext ctx, RedisNode replica, Credentials credentials) {
        credentials.username().ifPresent(user -> {
            if (!replica.version().atLeast(6, 0)) {
                throw new FerryException(ExitCode.PREFLIGHT, replica.label() + " (" + replica.version()
                        + ") cannot log in with a username (masteruser needs 6.0+): drop auth.username for this server");
            }
            replica.configSet("masteruser", user);
        });
        replica.callString("CONFIG", "SET", "masterauth", credentials.password());
        ctx.journal().append("note", null, "MASTERAUTH", Map.of("server", replica.label(),
                "why", "set so " + replica.label() + " can authenticate to its master; left in place"));
    }

    public static Map<String, Object> awaitSynced(RunContext ctx, RedisNode replica, RedisNode master, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long fullSyncsAtStart = master.info("stats").getLong("sync_full", 0);
        long targetOffset = -1;
        long masterKeys = master.totalKeys();
        SyncFaults faults = new SyncFaults(ctx.spec(), master, replica);
        for (int round = 1; ; round++) {
            if (round % KEY_COUNT_EVERY == 0) {
                masterKeys = master.totalKeys(); // writers keep adding keys: a total read once goes stale
            }
            Info info = Info.parse(replica.callString("INFO", "replication") + "\n" + replica.callString("INFO", "persistence")
                    + "\n" + replica.callString("INFO", "keyspace") + "\n" + replica.callString("INFO", "memory"));
            ReplicationState state = ReplicationState.of(info);
            boolean loading = info.getLong("loading", 0) == 1;
            if (state.linkUp() && !loading && targetOffset < 0) {
                targetOffset = master.replication().offset();
            }
            boolean synced = targetOffset >= 0 && state.linkUp() && !loading && state.replicaOffset() >= targetOffset;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            ctx.listener().progress(progress(replica, info, state, synced, loading, targetOffset, masterKeys, elapsed));
            if (synced) {
                return facts(replica, state, targetOffset, elapsed, master);
            }
            faults.check(info);
            checkLoop(master, replica, fullSyncsAtStart);
            if (targetOffset < 0) {
                LoginLoop.check(replica, master, Duration.ofNanos(System.nanoTime() - start),
                        master.info("stats").getLong("sync_full", 0) - fullSyncsAtStart);
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException(ExitCode.STOPPED, replica.label() + " did not finish syncing from "
                        + master.label() + " within " + timeout.toSeconds() + "s (" + phase(state, loading, targetOffset)
                        + "): check both servers' logs, raise cutover.catch-up if the dataset is large, then run ferry resume");
            }
            ctx.sleep(POLL);
        }
    }

    private static void checkLoop(RedisNode master, RedisNode replica, long fullSyncsAtStart) {
        long fullSyncs = master.info("stats").getLong("sync_full", 0) - fullSyncsAtStart;
        if (fullSyncs > FULL_SYNC_LOOP) {
            throw new FerryException(ExitCode.STOPPED, replica.label() + " started " + fullSyncs + " full syncs from "
                    + master.label() + " and none finished: the replica output buffer limit on " + master.label()
                    + " is probably too small for the write rate: raise client-output-buffer-limit replica, then ferry resume");
        }
    }

    private static SyncProgress progress(RedisNode replica, Info info, ReplicationState state, boolean synced,
            boolean loading, long targetOffset, long masterKeys, Duration elapsed) {
        long total = info.getLong("master_sync_total_bytes", -1);
        long read = info.getLong("master_sync_read_bytes", -1);
        if (loading) {
            total = info.getLong("loading_total_bytes", total);
            read = info.getLong("loading_loaded_bytes", read);
        }
        long lag = targetOffset < 0 ? -1 : Math.max(0, targetOffset - state.replicaOffset());
        return new SyncProgress(replica.label(), synced ? "synced" : phase(state, loading, targetOffset), Math.max(read, 0),
                total, info.totalKeys(), masterKeys, lag, elapsed);
    }

    private static String phase(ReplicationState state, boolean loading, long targetOffset) {
        if (loading) {
            return "loading";
        }
        if (state.syncInProgress()) {
            return "transferring";
        }
        if (!state.linkUp()) {
            return "waiting for the master (connecting, fork or diskless delay)";
        }
        return targetOffset < 0 ? "link up" : "catching up";
    }

    private static Map<String, Object> facts(RedisNode replica, ReplicationState state, long target, Duration elapsed,
            RedisNode master) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("replica", replica.label());
        facts.put("master", master.label());
        facts.put("offset", state.replicaOffset());
        facts.put("targetOffset", target);
        facts.put("seconds", elapsed.toMillis() / 1000.0);
        facts.put("keys", replica.totalKeys());
        return facts;
    }
}
