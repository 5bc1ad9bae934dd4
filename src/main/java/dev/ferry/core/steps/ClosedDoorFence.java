package dev.ferry.core.steps;

import dev.ferry.core.plan.ConfigLedger;
import dev.ferry.core.plan.PlannedCommand;
import dev.ferry.core.redis.RedisNode;
import java.util.List;

/**
 * Servers older than 6.2 have no write-only pause, and {@code min-slaves-to-write} does not stop EVAL there.
 * So in one MULTI ferry lowers {@code maxclients} to its own connection (no new client gets in), closes every
 * normal and pub/sub client, writes the marker and reads the offset: nobody but ferry can run anything on a
 * until ferry opens the door again. It does not expire, so it outlives ferry.
 */
final class ClosedDoorFence implements Fence {
    private static final String MAXCLIENTS = "maxclients";

    private final RedisNode a;
    private final ConfigLedger ledger;

    ClosedDoorFence(RedisNode a, ConfigLedger ledger) {
        this.a = a;
        this.ledger = ledger;
    }

    @Override
    public String describe() {
        return "maxclients 1 + all of a's clients closed";
    }

    @Override
    public List<PlannedCommand> plan(String markerKey) {
        return List.of(PlannedCommand.redis("a", "MULTI; CONFIG SET maxclients 1; CLIENT KILL TYPE normal SKIPME yes; "
                + "CLIENT KILL TYPE pubsub SKIPME yes; SET " + markerKey + " <nonce>; EXEC",
                "fence a: only ferry's own connection stays, no client can connect"));
    }

    @Override
    public long raise(String markerKey, String markerValue) {
        a.transaction(List.of(
                ledger.record(a, MAXCLIENTS, "1"),
                List.of("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"),
                List.of("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"),
                List.of("SET", markerKey, markerValue)));
        return a.replication().masterOffset();
    }

    @Override
    public void lift() {
        ledger.restore(a, MAXCLIENTS);
    }

    @Override
    public void releaseDemoted() {
        ledger.restore(a, MAXCLIENTS);
    }

    /**
     * No config of an old server refuses writes and scripts alike without ferry's connection, so a detached
     * old a becomes a read-only replica of itself: it keeps its data (a replica flushes only when a sync
     * succeeds, and a server cannot sync from itself) and answers writes with READONLY.
     */
    @Override
    public String holdDetached() {
        ledger.record(a, "replica-read-only", "yes");
        a.configSet("replica-read-only", "yes");
        ledger.leave(a, "replica-read-only", "after: detach keeps a read-only");
        a.replicaOf(a.host(), a.port());
        ledger.restore(a, MAXCLIENTS);
        return "a is a read-only replica of itself and refuses writes; to lift: " + a.version().replicaOfCommand() + " NO ONE";
    }

    @Override
    public String detachUnpaused() {
        return holdDetached();
    }
}
