package dev.ferry.it;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.steps.LogicalCopy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listener of the logical sync's ITs: keeps the run's warnings, starts {@code atCopy} in a thread of its own
 * when the logical copy step starts (a fault or a change to land inside the copy), and notes when that step ended.
 */
final class CopyWatch implements RunListener {
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final AtomicBoolean copyDone = new AtomicBoolean();
    private final java.util.function.Consumer<CopyWatch> atCopy;

    CopyWatch(java.util.function.Consumer<CopyWatch> atCopy) {
        this.atCopy = atCopy;
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
    }

    @Override
    public void stepStarted(String step) {
        if (step.equals(LogicalCopy.NAME)) {
            Thread t = new Thread(() -> atCopy.accept(this), "copy-watch");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        if (step.equals(LogicalCopy.NAME)) {
            copyDone.set(true);
        }
    }
}
