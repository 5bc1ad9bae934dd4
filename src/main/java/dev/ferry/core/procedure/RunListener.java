package dev.ferry.core.procedure;

import java.time.Duration;
import java.util.Map;

/** What a run tells the outside while it works; the CLI prints it, tests and the demo collect it. */
public interface RunListener {

    default void stepStarted(String step) {
    }

    default void stepFinished(String step, Duration took, Map<String, Object> facts) {
    }

    default void stepFailed(String step, String error) {
    }

    default void progress(SyncProgress progress) {
    }

    /** A verify step's progress: keys of the left side compared so far, of about {@code total}; once a second. */
    default void verifyProgress(String step, long compared, long total) {
    }

    /** Replication lag per replica label in ms (-1: not replicating the heartbeat yet), a few times a second. */
    default void lag(java.util.Map<String, Double> lagMillis) {
    }

    default void note(String message) {
    }

    default void warn(String message) {
    }

    RunListener SILENT = new RunListener() {
    };
}
