package dev.ferry.cli;

import dev.ferry.core.procedure.StopRequest;
import java.io.PrintWriter;
import java.util.List;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM during {@code run}, {@code resume} and {@code rollback} (invariant 11): instead of the JVM's
 * default (exit at once, wherever the run is), each signal is counted for the steps, which stop at their next safe
 * point. {@code sun.misc.Signal} is the JDK's only way to replace that default; it is exported for this use
 * ({@code jdk.unsupported}) and a shutdown hook could not keep the process alive until the safe point.
 */
final class Signals {
    private static final List<String> STOPPING = List.of("INT", "TERM");
    private static volatile boolean installed;

    private Signals() {
    }

    static synchronized void install(PrintWriter err) {
        if (installed) {
            return;
        }
        for (String name : STOPPING) {
            Signal.handle(new Signal(name), s -> announce(err, "SIG" + name, StopRequest.process().signal("SIG" + name)));
        }
        installed = true;
    }

    private static void announce(PrintWriter err, String signal, int count) {
        err.println(count == 1
                ? "ferry: " + signal + " received: stopping at the next safe point (a fence already up is finished or"
                        + " aborted first); send it again to shorten the waits"
                : "ferry: " + signal + " again: shortening the waits; a fenced server is still released through the abort path");
        err.flush();
    }
}
