package dev.ferry.core.cutover;

import dev.ferry.core.procedure.ConfigLedger;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.List;

/**
 * Stops a from taking writes for the cutover, in a way that outlives ferry (invariant 2): only ferry lifts it.
 * {@link #raise} is atomic with the marker write and the offset capture, so no write slips in between.
 */
public interface Fence {

    /** Writes above this many replicas are refused: more than any deployment has. */
    String MIN_REPLICAS_FENCE = "1000000";

    String describe();

    List<PlannedCommand> plan(String markerKey);

    /**
     * Before the window opens: journals the old values of what {@link #raise} changes and builds its transaction,
     * so that raise only sends it. Changes nothing on a; raise without it does the same work itself.
     */
    default void prepare(String markerKey, String markerValue) {
    }

    /** Fences a, writes the marker and returns a's replication offset once nothing more can be written. */
    long raise(String markerKey, String markerValue);

    /**
     * Once b has everything and before it is promoted: make sure the fence holds with ferry dead. A no-op where
     * {@link #raise} already did; safe to repeat.
     */
    default void holdWithoutFerry() {
    }

    /** What {@link #holdWithoutFerry} sends, for plan. */
    default List<PlannedCommand> planHoldWithoutFerry() {
        return List.of();
    }

    /** Before b's promotion: a takes writes again, as if nothing happened. Safe to repeat. */
    void lift();

    /** After a became b's replica: unpause and restore what the fence changed. Safe to repeat. */
    void releaseDemoted();

    /** after: detach: a keeps its data, never takes a write again, and is not paused. Returns how to lift it. */
    String holdDetached();

    /** after: detach without a pause before it (failover and drain modes): fence a durably, then hold it. */
    String detachUnpaused();

    /**
     * The start of every fence's MULTI: the marker, then {@code min-replicas-to-write} above any replica count
     * (journaled first). It is ignored while {@code min-replicas-max-lag} is 0, so that gets a non-zero value too.
     */
    static List<List<String>> markerAndWriteFence(RedisNode a, ConfigLedger ledger, String markerKey, String markerValue) {
        List<List<String>> tx = new java.util.ArrayList<>();
        tx.add(List.of("SET", markerKey, markerValue));
        writeFence(a).forEach((key, value) -> tx.add(ledger.record(a, key, value)));
        return tx;
    }

    /** What {@link #markerAndWriteFence} sends, for plan: the same commands, nothing journaled. */
    static List<List<String>> planMarkerAndWriteFence(RedisNode a, String markerKey) {
        List<List<String>> tx = new java.util.ArrayList<>();
        tx.add(List.of("SET", markerKey, "<nonce>"));
        writeFence(a).forEach((key, value) -> tx.add(List.of("CONFIG", "SET", a.version().configName(key), value)));
        return tx;
    }

    /** The configs the write fence changes on {@code a} (modern names), in the order they are set. */
    static java.util.Map<String, String> writeFence(RedisNode a) {
        java.util.Map<String, String> changes = new java.util.LinkedHashMap<>();
        if ("0".equals(a.configGet("min-replicas-max-lag").orElse("10"))) {
            changes.put("min-replicas-max-lag", "10");
        }
        changes.put("min-replicas-to-write", MIN_REPLICAS_FENCE);
        return changes;
    }

    /** One line of a plan: the commands joined as the operator would type them. */
    static String show(List<List<String>> commands) {
        return String.join("; ", commands.stream().map(c -> String.join(" ", c)).toList());
    }

    /** The CONFIG SETs that put back the old values of {@code modernKeys} that the fence changes on {@code a}. */
    static List<List<String>> planRestores(RedisNode a, String... modernKeys) {
        java.util.Map<String, String> changed = writeFence(a);
        List<List<String>> restores = new java.util.ArrayList<>();
        for (String key : modernKeys) {
            // min-replicas-max-lag is changed (and so restored) only where it was 0
            if (!key.equals("min-replicas-max-lag") || changed.containsKey(key)) {
                restores.add(List.of("CONFIG", "SET", a.version().configName(key), "<old>"));
            }
        }
        return restores;
    }

    /** What {@link #releaseDemoted} sends, for plan. */
    List<PlannedCommand> planReleaseDemoted();

    /** What {@link #holdDetached} sends, for plan. */
    List<PlannedCommand> planHoldDetached();

    /** What {@link #detachUnpaused} sends, for plan. */
    List<PlannedCommand> planDetachUnpaused();

    static Fence forSource(RedisNode a, ConfigLedger ledger, Duration maxPause) {
        return a.version().hasPauseWrite() ? new PauseWriteFence(a, ledger, maxPause) : new ClosedDoorFence(a, ledger);
    }
}
