package dev.ferry.core;

/** Exit codes per error class, documented in the README; stable across releases. */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL(1, "internal error (a bug in ferry: please report it with the journal)"),
    BAD_SPEC(2, "bad spec or bad command-line usage"),
    PREFLIGHT(3, "a preflight check failed; nothing was changed"),
    CONNECTION(4, "a server could not be reached or refused the credentials"),
    ABORTED(5, "the run aborted before b was promoted; a is master again, fences lifted"),
    JOURNAL(6, "a journal blocks this command (run in progress, failed, or finished): resume or restart"),
    LOCKED(7, "another ferry run holds these servers"),
    INCOMPLETE(8, "the run stopped after b was promoted; b is master, run 'ferry resume' to finish"),
    DECLINED(9, "a destructive step was not confirmed; nothing was changed"),
    DIFFERENCES(10, "verification found differences"),
    STOPPED(11, "the run stopped before b's promotion (a is still master, unfenced): fix the cause, then ferry resume"),
    INTERRUPTED(12, "a signal (SIGINT, SIGTERM) stopped the run at a safe point, nothing fenced or paused: ferry resume continues, ferry rollback undoes"),
    FLEET_PARTIAL(13, "some pairs of a fleet failed, were skipped or not started (the others finished): ferry fleet status lists them, ferry fleet resume retries them"),
    CLUSTER_PARTIAL(14, "a cluster move stopped with some shards moved and others not: every slot is served; ferry status lists the shards, ferry resume finishes them");

    private final int value;
    private final String meaning;

    ExitCode(int value, String meaning) {
        this.value = value;
        this.meaning = meaning;
    }

    public int value() {
        return value;
    }

    public String meaning() {
        return meaning;
    }
}
