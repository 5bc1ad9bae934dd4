package dev.ferry.core.procedure;

import java.util.List;
import java.util.Map;

/**
 * One step of the procedure, named as {@code plan} prints it. {@link #run} must be safe to call again after a
 * crash: it looks at live state first and never repeats a role change blindly.
 */
public interface Step {

    String name();

    /** What this step will send, server by server, without sending anything. */
    List<PlannedCommand> plan(RunContext ctx);

    /** Carries the step out and returns the facts to journal and report. */
    Map<String, Object> run(RunContext ctx);

    /**
     * Whether the step loads the servers or ferry's cores (a copy, a scan): it then starts only once no other run
     * sharing the {@link FenceGate} is fenced, so that it does not lengthen that run's pause.
     */
    default boolean yieldsToFences() {
        return false;
    }
}
