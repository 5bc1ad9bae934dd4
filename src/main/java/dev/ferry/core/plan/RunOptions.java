package dev.ferry.core.plan;

import java.nio.file.Path;

/** What the operator said on the command line. {@code yes} never implies {@code forceWipeTarget}. */
public record RunOptions(boolean yes, boolean forceWipeTarget, Path stateDir, boolean restart) {

    public static RunOptions defaults(Path stateDir) {
        return new RunOptions(false, false, stateDir, false);
    }

    public RunOptions withYes() {
        return new RunOptions(true, forceWipeTarget, stateDir, restart);
    }

    public RunOptions withForceWipe() {
        return new RunOptions(yes, true, stateDir, restart);
    }
}
