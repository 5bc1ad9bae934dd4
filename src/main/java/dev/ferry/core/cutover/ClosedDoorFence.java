package dev.ferry.core.cutover;

import dev.ferry.core.procedure.ConfigLedger;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.redis.RedisNode;
import java.util.List;

/**
 * Servers older than 6.2 have no write-only pause, and {@code min-slaves-to-write} does not stop EVAL there.
 * So in one MULTI ferry lowers {@code maxclients} to its own connection (no new client gets in), closes every
 * normal and pub/sub client, writes the marker and reads the offset: nobody but ferry can run anything on a
 * until ferry opens the door again.
 *
 * <p>The door alone does not outlive ferry: once ferry's connection and b's link are gone, a slot is free and
 * the next client writes to a. So once b has everything, and before b is promoted, a becomes a read-only
 * replica of itself (it keeps its data: a server cannot sync from itself), which refuses writes and scripts
 * alike with nobody holding it, and the door opens again.
 */
final class ClosedDoorFence implements Fence {
    private static final String MAXCLIENTS = "maxclients";
    private static final String TO_WRITE = "min-replicas-to-write";
    private static final String MAX_LAG = "min-replicas-max-lag";
    private static final List<List<String>> KILL_CLIENTS = List.of(List.of("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"),
            List.of("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"));

    private final RedisNode a;
    private final ConfigLedger ledger;
    private Prepared prepared;

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
        List<List<String>> tx = Fence.planMarkerAndWriteFence(a, markerKey);
        tx.add(List.of("CONFIG", "SET", MAXCLIENTS, "1"));
        tx.addAll(KILL_CLIENTS);
        return List.of(PlannedCommand.redis(a.label(), "MULTI; " + Fence.show(tx) + "; EXEC; INFO replication",
                "fence " + a.label() + ": only ferry's own connection stays, no client can connect; then read its offset"));
    }

    /**
     * min-slaves-to-write rides along: it does not stop EVAL on these versions, but if ferry dies and a client
     * takes the slot that b's link frees at promotion, its plain writes are still refused.
     */
    @Override
    public void prepare(String markerKey, String markerValue) {
        prepared = new Prepared(markerKey, markerValue, transaction(markerKey, markerValue));
    }

    private List<List<String>> transaction(String markerKey, String markerValue) {
        List<List<String>> tx = Fence.markerAndWriteFence(a, ledger, markerKey, markerValue);
        tx.add(ledger.record(a, MAXCLIENTS, "1"));
        tx.addAll(KILL_CLIENTS);
        return tx;
    }

    @Override
    public long raise(String markerKey, String markerValue) {
        a.transaction(Prepared.take(prepared, markerKey, markerValue).orElseGet(() -> transaction(markerKey, markerValue)));
        return a.replication().masterOffset();
    }

    @Override
    public void holdWithoutFerry() {
        becomeReadOnlyReplicaOfItself();
        ledger.restore(a, MAXCLIENTS);
    }

    @Override
    public List<PlannedCommand> planHoldWithoutFerry() {
        List<List<String>> commands = new java.util.ArrayList<>(planReadOnlyReplicaOfItself(true));
        commands.add(List.of("CONFIG", "SET", MAXCLIENTS, "<old>"));
        return List.of(PlannedCommand.redis(a.label(), Fence.show(commands), "before the promotion: " + a.label()
                + " refuses writes even if ferry dies (a read-only replica of itself, keeps its data)"));
    }

    /** {@code replicaOf}: whether it is not one yet (after {@link #holdWithoutFerry} it is). */
    private List<List<String>> planReadOnlyReplicaOfItself(boolean replicaOf) {
        List<List<String>> commands = new java.util.ArrayList<>();
        commands.add(List.of("CONFIG", "SET", a.version().configName("replica-read-only"), "yes"));
        if (replicaOf) {
            commands.add(List.of(a.version().replicaOfCommand(), a.host(), Integer.toString(a.port())));
        }
        return commands;
    }

    @Override
    public List<PlannedCommand> planReleaseDemoted() {
        // maxclients is back already: holdWithoutFerry restored it
        return List.of(PlannedCommand.redis(a.label(), Fence.show(Fence.planRestores(a, TO_WRITE, MAX_LAG)),
                "lift the fence"));
    }

    @Override
    public List<PlannedCommand> planHoldDetached() {
        List<List<String>> commands = new java.util.ArrayList<>(planReadOnlyReplicaOfItself(false));
        commands.addAll(Fence.planRestores(a, TO_WRITE, MAX_LAG));
        return List.of(PlannedCommand.redis(a.label(), Fence.show(commands), "after: detach: " + a.label()
                + " stays a read-only replica of itself, keeps its data"));
    }

    /** Without a fence before it (drain mode) nothing else is pending: only the read-only replica of itself. */
    @Override
    public List<PlannedCommand> planDetachUnpaused() {
        return List.of(PlannedCommand.redis(a.label(), Fence.show(planReadOnlyReplicaOfItself(true)), "after: detach: "
                + a.label() + " becomes a read-only replica of itself, keeps its data"));
    }

    private void becomeReadOnlyReplicaOfItself() {
        ledger.set(a, "replica-read-only", "yes");
        if (!a.replication().replicatesFrom(a.host(), a.port())) {
            a.replicaOf(a.host(), a.port());
        }
    }

    @Override
    public void lift() {
        if (a.replication().replicatesFrom(a.host(), a.port())) {
            a.promote();
        }
        ledger.restore(a, "replica-read-only");
        openDoor();
    }

    @Override
    public void releaseDemoted() {
        openDoor();
    }

    private void openDoor() {
        ledger.restore(a, MAXCLIENTS);
        ledger.restore(a, TO_WRITE);
        ledger.restore(a, MAX_LAG);
    }

    /**
     * A detached old a stays what {@link #holdWithoutFerry} made it: a read-only replica of itself that keeps its
     * data (a replica flushes only when a sync succeeds) and answers writes with READONLY.
     */
    @Override
    public String holdDetached() {
        becomeReadOnlyReplicaOfItself();
        ledger.leave(a, "replica-read-only", "after: detach keeps a read-only");
        openDoor();
        return "a is a read-only replica of itself and refuses writes; to lift: " + a.version().replicaOfCommand() + " NO ONE";
    }

    @Override
    public String detachUnpaused() {
        return holdDetached();
    }
}
