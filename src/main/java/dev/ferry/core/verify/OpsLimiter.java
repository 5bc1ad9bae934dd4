package dev.ferry.core.verify;

import java.util.concurrent.locks.LockSupport;

/** Commands per second shared by every verify connection: each pipeline waits for its share of the budget. */
final class OpsLimiter {
    private final long nanosPerOp;
    private long nextFree;

    OpsLimiter(long maxOpsPerSecond) {
        this.nanosPerOp = maxOpsPerSecond <= 0 ? 0 : Math.max(1, 1_000_000_000L / maxOpsPerSecond);
        this.nextFree = System.nanoTime();
    }

    void acquire(int ops) {
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
