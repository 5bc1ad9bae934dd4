package dev.ferry.core.sync;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.Bytes;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Spec;

/**
 * Faults that make a sync wait forever or end in a b that cannot serve, each stopped with its cause named:
 * the master failing to fork or to write the snapshot the replica needs (it retries, and fails, forever), and the
 * replica outgrowing its {@code maxmemory} (a's data grew past it: once promoted it would evict or refuse writes)
 * or evicting keys (which silently drops a's data).
 */
final class SyncFaults {
    private final RedisNode master;
    private final RedisNode replica;
    private final Spec spec;
    private final boolean snapshotFailedBefore;
    private final long forksBefore;
    private final long evictedBefore;

    SyncFaults(Spec spec, RedisNode master, RedisNode replica) {
        this.spec = spec;
        this.master = master;
        this.replica = replica;
        Info persistence = master.info("persistence");
        this.snapshotFailedBefore = "err".equals(persistence.get("rdb_last_bgsave_status", "ok"));
        this.forksBefore = master.info("stats").getLong("total_forks", 0);
        this.evictedBefore = replica.info("stats").getLong("evicted_keys", 0);
    }

    /** Throws when the sync can no longer end well; {@code replicaMemory} is the replica's INFO memory. */
    void check(Info replicaMemory) {
        checkSnapshot();
        checkMemory(replicaMemory);
    }

    private void checkSnapshot() {
        // forks first: a fork that starts or ends between the two reads then never looks like a finished new one
        long forks = master.info("stats").getLong("total_forks", 0);
        Info persistence = master.info("persistence");
        if (!"err".equals(persistence.get("rdb_last_bgsave_status", "ok"))) {
            return;
        }
        // the status is that of the last finished snapshot: it speaks of this sync once it turned from ok to err, or
        // once a fork started since has finished (a failing replica retries at once: a fork is nearly always running)
        long running = persistence.getLong("rdb_bgsave_in_progress", 0);
        if (!snapshotFailedBefore || forks - running > forksBefore) {
            String m = master.label();
            throw new FerryException(ExitCode.STOPPED, m + " could not make the snapshot " + replica.label()
                    + " needs (rdb_last_bgsave_status:err on " + m + ")" + HostLogs.lastWarning(spec, master)
                    + ": the fork failed (free memory,"
                    + " vm.overcommit_memory=1) or the RDB file could not be written (CONFIG GET dir: writable, with"
                    + " room), or use repl-diskless-sync yes on " + m + "; then ferry resume");
        }
    }

    private void checkMemory(Info memory) {
        long maxmemory = memory.getLong("maxmemory", 0);
        long counted = memory.getLong("used_memory", 0) - memory.getLong("mem_not_counted_for_evict", 0);
        String r = replica.label();
        if (maxmemory > 0 && counted > maxmemory) {
            throw new FerryException(ExitCode.STOPPED, r + " ran out of memory while syncing from " + master.label()
                    + ": used_memory " + Bytes.human(counted) + " > maxmemory " + Bytes.human(maxmemory) + " ("
                    + master.label() + "'s data outgrew it; once promoted " + r + " would evict or refuse writes):"
                    + " raise maxmemory on " + r + " (CONFIG SET maxmemory and its redis.conf), then ferry resume");
        }
        long evicted = replica.info("stats").getLong("evicted_keys", 0) - evictedBefore;
        if (evicted > 0) {
            throw new FerryException(ExitCode.STOPPED, r + " evicted " + evicted + " key(s) while syncing from "
                    + master.label() + ": its copy is incomplete: raise maxmemory on " + r
                    + " or set replica-ignore-maxmemory yes, then ferry resume");
        }
    }
}
