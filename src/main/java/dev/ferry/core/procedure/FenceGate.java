package dev.ferry.core.procedure;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fenced windows of the runs that share this gate, one at a time: the pairs of a fleet. A window lasts from a
 * cutover's fence to the end of its step (b promoted, the traffic moved, a demoted and unpaused). A run waits at
 * the gate <em>before</em> it fences, so nothing is paused while it waits, and the wait is a safe point (a signal
 * stops the run there, nothing fenced). The window is tens of milliseconds, so a fleet's total time barely
 * changes, while each pair's pause stays that of a lone pair: no other pair's fence, catch-up, promotion or switch
 * competes with it for the cores.
 *
 * <p>Heavy work of the other runs yields to an open window ({@link #yieldTo}): a sync or a verify starts, and a
 * verify goes on with its next batch, once no window is open (bounded by {@link #YIELD_MAX}, so back-to-back
 * windows cannot starve it).
 *
 * <p>A run alone has a gate of its own ({@link #unshared()}): it never waits, having one fence at a time. A resume
 * that finds its fence already up goes on without the gate: it is paused already, and waiting would lengthen that.
 */
public final class FenceGate {
    /** How often a run waiting at the gate looks for a signal (a released window wakes it at once). */
    private static final Duration SIGNAL_POLL = Duration.ofMillis(20);
    /** How often a yielding run looks whether the windows closed: coarse, as its polls compete with the window. */
    private static final Duration YIELD_POLL = Duration.ofMillis(10);
    /** The longest a run yields at once: a window is bounded by max-pause and the switch's timeout, not by this. */
    static final Duration YIELD_MAX = Duration.ofSeconds(2);

    private final Semaphore windows = new Semaphore(1, true); // fair: runs fence in the order they reached the gate
    private final AtomicInteger open = new AtomicInteger();
    private final boolean shared;

    private FenceGate(boolean shared) {
        this.shared = shared;
    }

    /** The gate a fleet's pairs share: one fenced window at a time among them. */
    public static FenceGate shared() {
        return new FenceGate(true);
    }

    /** A single run's own gate: it holds one window at a time, so it never waits. */
    public static FenceGate unshared() {
        return new FenceGate(false);
    }

    /** Whether other runs share this gate (then a cutover reports how long it waited there). */
    public boolean isShared() {
        return shared;
    }

    /**
     * Waits until no other run sharing the gate is inside its window (a safe point: a signal stops the run here, as
     * at {@code where}), then holds the signals as a fence requires ({@link RunContext#holdSignals}). Close the
     * returned window once the step has left its fence: the traffic moved and the old master unpaused, or aborted.
     */
    public Window enter(RunContext ctx, String where) {
        long start = ctx.nanos();
        boolean entered = false;
        try {
            while (!entered) {
                ctx.stopIfSignalled(where);
                entered = windows.tryAcquire(SIGNAL_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            ctx.stopIfSignalled(where); // a signal that arrived while this run waited: stop before the fence
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INCOMPLETE, "interrupted " + where + ", nothing fenced: run ferry status,"
                    + " then ferry resume");
        } catch (RuntimeException e) {
            if (entered) {
                windows.release();
            }
            throw e;
        }
        ctx.holdSignals();
        open.incrementAndGet();
        return new Window(Duration.ofNanos(ctx.nanos() - start));
    }

    /** Whether some run sharing this gate is inside its window now. */
    public boolean anyOpen() {
        return open.get() > 0;
    }

    /**
     * Heavy work (a sync, a verify batch) calls this first: it waits while a window is open, at most
     * {@link #YIELD_MAX}; returns how long it waited. Never called from inside a window: a run would wait for itself.
     */
    public Duration yieldTo(Ticker ticker) {
        long start = ticker.read();
        long deadline = start + YIELD_MAX.toNanos();
        try {
            while (anyOpen() && ticker.read() < deadline) {
                ticker.sleep(YIELD_POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Duration.ofNanos(ticker.read() - start);
    }

    /** One run's window: closing it (once; again is harmless) lets the next run fence. */
    public final class Window implements AutoCloseable {
        private final Duration waited;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Window(Duration waited) {
            this.waited = waited;
        }

        /** How long the run waited at the gate for the others' windows. */
        public Duration waited() {
            return waited;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
                windows.release();
            }
        }
    }
}
