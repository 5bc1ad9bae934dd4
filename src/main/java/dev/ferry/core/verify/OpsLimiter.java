package dev.ferry.core.verify;

import java.util.concurrent.locks.LockSupport;

/**
 * Commands per second shared by every verify connection: each pipeline waits for its share of the budget, and
 * first for {@code pace} (a fleet's pair yields to another pair's fenced window).
 */
final class OpsLimiter {
    private final long nanosPerOp;
    private final Runnable pace;
    private long nextFree;

    OpsLimiter(long maxOpsPerSecond) {
        this(maxOpsPerSecond, () -> { });
    }

    OpsLimiter(long maxOpsPerSecond, Runnable pace) {
        this.nanosPerOp = maxOpsPerSecond <= 0 ? 0 : Math.max(1, 1_000_000_000L / maxOpsPerSecond);
        this.pace = pace;
        this.nextFree = System.nanoTime();
    }

    void acquire(int ops) {
        pace.run();
        if (nanosPerOp == 0) {
            return;
        }
        long startAt;
        synchronized (this) {
            long now = System.nanoTime();
            startAt = Math.max(now, nextFree);
            nextFree = startAt + ops * nanosPerOp;
        }
        long wait;
        while ((wait = startAt - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
