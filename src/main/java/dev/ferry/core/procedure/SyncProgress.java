package dev.ferry.core.procedure;

import java.time.Duration;

/**
 * Honest sync progress: which phase the replica is in and what it has really received, never a guess.
 * {@code bytesTotal} is -1 when the master streams the RDB diskless and the size is unknown.
 */
public record SyncProgress(String replica, String phase, long bytesDone, long bytesTotal, long keysLoaded,
        long keysTotal, long lagBytes, Duration elapsed) {

    public boolean done() {
        return "synced".equals(phase);
    }
}
