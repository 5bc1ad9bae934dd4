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
    private static final List<String> UNPAUSE = List.of("CLIENT", "UNPAUSE");

    private final RedisNode a;
    private final ConfigLedger ledger;
    private Prepared prepared;
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
        List<List<String>> tx = Fence.planMarkerAndWriteFence(a, markerKey);
        tx.add(pause());
        return List.of(PlannedCommand.redis(a.label(), "MULTI; " + Fence.show(tx) + "; EXEC; INFO replication",
                "fence " + a.label() + ": writes wait, then are refused until ferry lifts the fence; then read its offset"));
    }

    private List<String> pause() {
        return List.of("CLIENT", "PAUSE", Long.toString(maxPause.toMillis()), "WRITE");
    }

    @Override
    public void prepare(String markerKey, String markerValue) {
        prepared = new Prepared(markerKey, markerValue, transaction(markerKey, markerValue));
    }

    private List<List<String>> transaction(String markerKey, String markerValue) {
        List<List<String>> tx = Fence.markerAndWriteFence(a, ledger, markerKey, markerValue);
        tx.add(pause());
        return tx;
    }

    @Override
    public long raise(String markerKey, String markerValue) {
        a.transaction(Prepared.take(prepared, markerKey, markerValue).orElseGet(() -> transaction(markerKey, markerValue)));
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
    public List<PlannedCommand> planReleaseDemoted() {
        List<List<String>> commands = new java.util.ArrayList<>();
        commands.add(UNPAUSE);
        commands.addAll(Fence.planRestores(a, TO_WRITE, MAX_LAG));
        return List.of(PlannedCommand.redis(a.label(), Fence.show(commands), "end the pause, lift the fence"));
    }

    @Override
    public List<PlannedCommand> planHoldDetached() {
        return List.of(PlannedCommand.redis(a.label(), Fence.show(List.of(UNPAUSE)),
                "after: detach: end the pause; " + a.label() + " keeps its data and still refuses writes"));
    }

    @Override
    public List<PlannedCommand> planDetachUnpaused() {
        List<List<String>> commands = new java.util.ArrayList<>();
        Fence.writeFence(a).forEach((key, value) -> commands.add(List.of("CONFIG", "SET", a.version().configName(key), value)));
        commands.add(UNPAUSE);
        return List.of(PlannedCommand.redis(a.label(), Fence.show(commands),
                "after: detach: " + a.label() + " keeps its data and refuses writes"));
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
        Fence.writeFence(a).forEach((key, value) -> ledger.set(a, key, value));
        return holdDetached();
    }

    private void unpause() {
        try {
            a.callString(UNPAUSE.get(0), UNPAUSE.subList(1, UNPAUSE.size()).toArray(String[]::new));
        } catch (RedisError e) {
            // not paused any more: the pause expired on its own
        }
    }
}
