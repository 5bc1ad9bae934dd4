package dev.ferry.core.procedure;

import java.time.Duration;

/**
 * Monotonic time and sleeping, for every deadline and poll in the cutover, the switch and the canary. Runs use
 * {@link #system()}; unit tests pass a fake that advances when slept on, so a max-pause timeout is reached in
 * microseconds instead of seconds.
 */
public interface Ticker {

    /** Nanoseconds from an arbitrary origin, like {@link System#nanoTime()}: only differences mean anything. */
    long read();

    void sleep(Duration d) throws InterruptedException;

    /** Sleeps until {@link #read()} reaches {@code nanos} (returns at once if it already has). */
    default void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - read();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait));
        }
    }

    /**
     * Sleeps for a loop that checks its own stop condition: an interrupt ends the nap early and stays set, for the
     * loop (or the code after it) to see.
     */
    default void nap(Duration d) {
        try {
            sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Nanoseconds since {@code startNanos}, as a Duration. */
    default Duration since(long startNanos) {
        return Duration.ofNanos(read() - startNanos);
    }

    static Ticker system() {
        return SystemTicker.INSTANCE;
    }

    /** The machine's monotonic clock and {@link Thread#sleep}. */
    enum SystemTicker implements Ticker {
        INSTANCE;

        @Override
        public long read() {
            return System.nanoTime();
        }

        /** Below a millisecond it parks (Thread.sleep rounds any nanos up to a whole millisecond on Java 17). */
        @Override
        public void sleep(Duration d) throws InterruptedException {
            long nanos = Math.max(0, d.toNanos());
            if (nanos >= 1_000_000) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
