package dev.ferry.core.cutover;

import dev.ferry.core.procedure.ConfigLedger;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.List;

/**
 * Redis 6.2+: {@code CLIENT PAUSE <max-pause> WRITE} holds writers (they wait, they get no error) and
 * {@code min-replicas-to-write} set above any replica count refuses writes and writing scripts once the pause
 * expires, even if ferry is dead. Both are set in one MULTI with the marker and the offset read.
 */
final class PauseWriteFence implements Fence {
    private static final String TO_WRITE = "min-replicas-to-write";
    private static final String MAX_LAG = "min-replicas-max-lag";

    private final RedisNode a;
    private final ConfigLedger ledger;
    private final Duration maxPause;

    PauseWriteFence(RedisNode a, ConfigLedger ledger, Duration maxPause) {
        this.a = a;
        this.ledger = ledger;
        this.maxPause = maxPause;
    }

    @Override
    public String describe() {
        return "CLIENT PAUSE " + maxPause.toMillis() + " WRITE + " + TO_WRITE + " " + MIN_REPLICAS_FENCE;
    }

    @Override
    public List<PlannedCommand> plan(String markerKey) {
        return List.of(PlannedCommand.redis("a", "MULTI; SET " + markerKey + " <nonce>; CONFIG SET " + TO_WRITE + " "
                + MIN_REPLICAS_FENCE + "; CLIENT PAUSE " + maxPause.toMillis() + " WRITE; INFO replication; EXEC",
                "fence a: writes wait, then are refused until ferry lifts the fence"));
    }

    @Override
    public long raise(String markerKey, String markerValue) {
        List<List<String>> tx = Fence.markerAndWriteFence(a, ledger, markerKey, markerValue);
        tx.add(List.of("CLIENT", "PAUSE", Long.toString(maxPause.toMillis()), "WRITE"));
        a.transaction(tx);
        // read after EXEC: the transaction's own propagation is counted only once it has run
        return a.replication().masterOffset();
    }

    @Override
    public void lift() {
        ledger.restore(a, TO_WRITE);
        ledger.restore(a, MAX_LAG);
        unpause();
    }

    @Override
    public void releaseDemoted() {
        unpause();
        ledger.restore(a, TO_WRITE);
        ledger.restore(a, MAX_LAG);
    }

    @Override
    public String holdDetached() {
        unpause();
        String old = ledger.pending(a, TO_WRITE).map(c -> c.oldValue()).orElse("0");
        ledger.leave(a, TO_WRITE, "after: detach keeps a fenced");
        ledger.leave(a, MAX_LAG, "after: detach keeps a fenced");
        return "a refuses writes (" + TO_WRITE + " " + MIN_REPLICAS_FENCE + "); to lift: CONFIG SET " + TO_WRITE + " " + old;
    }

    @Override
    public String detachUnpaused() {
        if ("0".equals(a.configGet(MAX_LAG).orElse("10"))) {
            ledger.set(a, MAX_LAG, "10");
        }
        ledger.set(a, TO_WRITE, MIN_REPLICAS_FENCE);
        return holdDetached();
    }

    private void unpause() {
        try {
            a.callString("CLIENT", "UNPAUSE");
        } catch (RedisError e) {
            // not paused any more: the pause expired on its own
        }
    }
}
