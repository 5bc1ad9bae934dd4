package dev.ferry.core.cutover;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps connecting to a server that admits no one (an old a behind its closed-door fence, with maxclients 1)
 * until it gets the slot that is about to free up. It starts before the slot frees so that ferry, not an
 * application that retries a, is first in. The caller must not use the node until {@link #awaitOrFail} returns.
 */
final class SlotGrabber {
    private final CountDownLatch connected = new CountDownLatch(1);
    private final Duration limit;
    private final Ticker ticker;

    private SlotGrabber(Duration limit, Ticker ticker) {
        this.limit = limit;
        this.ticker = ticker;
    }

    static SlotGrabber start(RedisNode node, Duration limit, Ticker ticker) {
        SlotGrabber grabber = new SlotGrabber(limit, ticker);
        Thread t = new Thread(() -> grabber.knock(node), "ferry-slot-grabber");
        t.setDaemon(true);
        t.start();
        return grabber;
    }

    private void knock(RedisNode node) {
        long deadline = ticker.read() + limit.toNanos();
        while (ticker.read() < deadline) {
            try {
                node.ping();
                connected.countDown();
                return;
            } catch (FerryException full) {
                Thread.onSpinWait();
            }
        }
    }

    void awaitOrFail(String message) {
        try {
            if (!connected.await(limit.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                throw new FerryException(ExitCode.INCOMPLETE, message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INCOMPLETE, message);
        }
    }
}
