package dev.ferry.core.procedure;

import dev.ferry.core.spec.Endpoint;
import java.time.Duration;
import java.util.List;

/** Moves the applications' traffic from a to b: a hook, a keepalived VIP, or nothing (the operator does it). */
public interface TrafficSwitch {

    String describe();

    List<PlannedCommand> plan(Endpoint from, Endpoint to);

    /** Problems found without changing anything: a missing hook, an unreadable config. Empty when ready. */
    List<String> preflight();

    /**
     * Whether the traffic must move before a is demoted and its clients are closed. A hook repoints
     * applications, so the clients that ferry closes on a must reconnect to b, not to a again.
     */
    boolean movesBeforeDemotion();

    /** Moves the traffic; throws a FerryException naming what failed. Returns how long it took. */
    Duration move(Endpoint from, Endpoint to);

    /**
     * Gets {@link #move} ready before the cutover window opens (a hook's process started and held at a gate), so
     * the window pays only for the move itself. Moves nothing; a no-op by default. {@link #disarm} undoes it.
     */
    default void arm(Endpoint from, Endpoint to) {
    }

    /** Drops what {@link #arm} got ready, without moving anything; a no-op when nothing is armed. */
    default void disarm() {
    }

    /** Things worth the operator's attention that do not stop the run (shown as WARN by preflight). */
    default List<String> warnings() {
        return List.of();
    }

    /** Undoes what {@link #move} changed outside Redis (keepalived configs); a no-op when nothing was changed. */
    default void restore() {
    }

    /**
     * Creates what {@link #move} writes (the hook's log) before the cutover window opens; called once per run or
     * resume, before its first step. Throws a FerryException naming what could not be created.
     */
    default void prepare() {
    }

    /** Where the switch keeps its output (named in the report), if anywhere. */
    default java.util.Optional<java.nio.file.Path> log() {
        return java.util.Optional.empty();
    }

    /** Whether this switch moves anything at all (for the report and the drain watch). */
    default boolean movesTraffic() {
        return true;
    }
}
