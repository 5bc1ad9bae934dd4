package dev.ferry.core.procedure;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Named points where a test can make ferry die as if SIGKILLed ({@code FERRY_FAILPOINT=<name>}): at every step
 * boundary and inside the cutover, which no outside timing can hit reliably. Halting skips every finally block
 * and shutdown hook, exactly like a kill -9. Unset in production: then this is one string comparison.
 */
public final class FailPoints {
    private static final String ARMED = System.getenv("FERRY_FAILPOINT");
    /** {@code FERRY_SIGNALPOINT=<name>}: at that point ferry sends itself {@code FERRY_SIGNAL} (INT) this many times. */
    private static final String SIGNAL_AT = System.getenv("FERRY_SIGNALPOINT");
    private static final Duration SIGNAL_DELIVERY = Duration.ofSeconds(5);
    /**
     * {@code FERRY_FREEZEPOINT=<name>}: at that point ferry stops itself with SIGSTOP (once), so that a test can change
     * the world at that exact moment (stop other servers, say); it goes on when the test sends SIGCONT.
     */
    private static final String FREEZE_AT = System.getenv("FERRY_FREEZEPOINT");
    private static final java.util.concurrent.atomic.AtomicBoolean FROZEN = new java.util.concurrent.atomic.AtomicBoolean();
    /** Once per process: in a fleet every pair passes the same point, and an operator presses Ctrl-C once. */
    private static final java.util.concurrent.atomic.AtomicBoolean SIGNALLED = new java.util.concurrent.atomic.AtomicBoolean();

    private FailPoints() {
    }

    public static void hit(String name) {
        if (ARMED != null && ARMED.equals(name)) {
            Runtime.getRuntime().halt(137);
        }
        if (SIGNAL_AT != null && SIGNAL_AT.equals(name) && SIGNALLED.compareAndSet(false, true)) {
            signalSelf();
        }
        if (FREEZE_AT != null && FREEZE_AT.equals(name) && FROZEN.compareAndSet(false, true)) {
            freezeSelf();
        }
    }

    private static void freezeSelf() {
        try {
            new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not stop myself at a freeze point: " + e, e);
        }
    }

    /**
     * A real signal through the kernel and ferry's own handler, as an operator's Ctrl-C arrives; returns once the
     * handler has counted it, so the test knows the signal landed at this point and not later.
     */
    private static void signalSelf() {
        String signal = Optional.ofNullable(System.getenv("FERRY_SIGNAL")).orElse("INT");
        int times = Integer.parseInt(Optional.ofNullable(System.getenv("FERRY_SIGNALS")).orElse("1"));
        StopRequest stop = StopRequest.process();
        for (int i = 0; i < times; i++) {
            int before = stop.count();
            try {
                new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
                long deadline = System.nanoTime() + SIGNAL_DELIVERY.toNanos();
                while (stop.count() == before && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("could not signal myself at a signal point: " + e, e);
            }
        }
    }
}
