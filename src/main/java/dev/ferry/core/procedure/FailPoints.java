package dev.ferry.core.procedure;

/**
 * Named points where a test can make ferry die as if SIGKILLed ({@code FERRY_FAILPOINT=<name>}): at every step
 * boundary and inside the cutover, which no outside timing can hit reliably. Halting skips every finally block
 * and shutdown hook, exactly like a kill -9. Unset in production: then this is one string comparison.
 */
public final class FailPoints {
    private static final String ARMED = System.getenv("FERRY_FAILPOINT");

    private FailPoints() {
    }

    public static void hit(String name) {
        if (ARMED != null && ARMED.equals(name)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
