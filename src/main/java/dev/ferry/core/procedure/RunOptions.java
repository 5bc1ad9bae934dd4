package dev.ferry.core.procedure;

import java.nio.file.Path;

/**
 * What the operator said on the command line. {@code yes} never implies {@code forceWipeTarget}, and nothing
 * implies {@code acceptDivergence} (the drain mode's explicit consent to a and b both taking writes).
 */
public record RunOptions(boolean yes, boolean forceWipeTarget, Path stateDir, boolean restart, boolean acceptDivergence,
        boolean acceptTimedFence) {

    /**
     * {@code acceptTimedFence}: the logical sync's only fence on a source that refuses CONFIG is a timed
     * {@code CLIENT PAUSE WRITE}, which ends with its timeout (or a restart of a) even while ferry is dead.
     */
    public RunOptions(boolean yes, boolean forceWipeTarget, Path stateDir, boolean restart, boolean acceptDivergence) {
        this(yes, forceWipeTarget, stateDir, restart, acceptDivergence, false);
    }

    public RunOptions(boolean yes, boolean forceWipeTarget, Path stateDir, boolean restart) {
        this(yes, forceWipeTarget, stateDir, restart, false);
    }

    public static RunOptions defaults(Path stateDir) {
        return new RunOptions(false, false, stateDir, false, false, false);
    }

    public RunOptions withYes() {
        return new RunOptions(true, forceWipeTarget, stateDir, restart, acceptDivergence, acceptTimedFence);
    }

    public RunOptions withForceWipe() {
        return new RunOptions(yes, true, stateDir, restart, acceptDivergence, acceptTimedFence);
    }

    public RunOptions withAcceptDivergence() {
        return new RunOptions(yes, forceWipeTarget, stateDir, restart, true, acceptTimedFence);
    }

    public RunOptions withAcceptTimedFence() {
        return new RunOptions(yes, forceWipeTarget, stateDir, restart, acceptDivergence, true);
    }
}
