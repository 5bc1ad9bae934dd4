package dev.ferry.core.journal;

/**
 * The cutover's milestones: what a step journals the moment it becomes true (b promoted, the traffic moved), so
 * that resume, rollback, status and the report can tell how far a run got. Each one is journaled as its
 * {@link #journaled()} string, which never changes: journals written by older versions still read.
 */
public enum Milestone {
    /** The marker nonce is journaled; a fence may be up from here on (resume must reckon with it). */
    FENCING("FENCING"),
    /** The fence is up and a's offset captured. */
    FENCED("FENCED"),
    /** REPLICAOF NO ONE is about to be sent: b may be master from here on. */
    PROMOTING("PROMOTING"),
    PROMOTED("PROMOTED"),
    SWITCHED("SWITCHED"),
    DEMOTED("DEMOTED"),
    /** Before b's promotion something failed and the fence was lifted: a is master again. */
    ABORTED("ABORTED"),
    /** after: detach: the old master keeps its data behind a fence (or a replica stopped replicating). */
    DETACHED("DETACHED"),
    /** Drain mode: b takes writes while still a's replica. */
    WRITABLE("WRITABLE"),
    /** Failover mode: FAILOVER TO b was sent. */
    FAILOVER_REQUESTED("FAILOVER"),
    /** A cluster shard's failover got no votes in its window: b stayed a replica, the fence was lifted. */
    FAILOVER_TIMED_OUT("FAILOVER_TIMED_OUT");

    private static final String MARKER_PREFIX = "ferry:marker:";

    private final String journaled;

    Milestone(String journaled) {
        this.journaled = journaled;
    }

    /** The status string in the journal. */
    public String journaled() {
        return journaled;
    }

    /** The key the cutover writes its nonce to on a, inside the fence, so that b having it proves b has everything. */
    public static String markerKey(String specName) {
        return MARKER_PREFIX + specName;
    }

    @Override
    public String toString() {
        return journaled;
    }
}
