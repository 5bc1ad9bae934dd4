package dev.ferry.core.procedure;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT and SIGTERM as the steps see them (invariant 11). The command line turns each signal into
 * {@link #signal}; the run then stops at its next safe point: between two steps, or inside a wait that no fence
 * depends on. Once a fence is up ({@link RunContext#holdSignals}) the first signal lets the cutover finish; a second
 * one only shortens the catch-up wait, which ends through the abort path like any other timeout.
 *
 * <p>One per process: a signal is meant for everything the process runs (every pair of a fleet).
 */
public final class StopRequest {
    private static final StopRequest PROCESS = new StopRequest();

    private final AtomicInteger signals = new AtomicInteger();
    private volatile String lastSignal = "";

    public static StopRequest process() {
        return PROCESS;
    }

    /** Counts a signal; returns how many arrived so far. */
    public int signal(String name) {
        lastSignal = name;
        return signals.incrementAndGet();
    }

    public boolean requested() {
        return signals.get() > 0;
    }

    /** A second signal: shorten the waits (never skip an abort path). */
    public boolean urgent() {
        return signals.get() > 1;
    }

    public int count() {
        return signals.get();
    }

    public String signalName() {
        return lastSignal.isEmpty() ? "a signal" : lastSignal;
    }
}
