package dev.ferry.core.journal;

/** Where a run stands according to its journal. */
public enum RunStatus {
    /** No journal: no run has started for this spec in this state directory. */
    NONE,
    /** Started and not ended: running now, or interrupted (ferry was killed). */
    IN_PROGRESS,
    /** A step failed: blocks a new run until resumed or restarted explicitly. */
    FAILED,
    /** Ended before b's promotion with a restored as master. */
    ABORTED,
    COMPLETED
}
