package dev.ferry.core.procedure;

import java.time.Duration;
import java.util.Map;

/**
 * A listener in front of another: every event goes on to the next one unchanged. A subclass overrides only the
 * events it also looks at (the status page, the metrics, a bench's timer) and calls {@code super} to pass them on.
 */
public abstract class ForwardingListener implements RunListener {
    private final RunListener next;

    protected ForwardingListener(RunListener next) {
        this.next = next;
    }

    @Override
    public void stepStarted(String step) {
        next.stepStarted(step);
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        next.stepFinished(step, took, facts);
    }

    @Override
    public void stepFailed(String step, String error) {
        next.stepFailed(step, error);
    }

    @Override
    public void progress(SyncProgress progress) {
        next.progress(progress);
    }

    @Override
    public void verifyProgress(String step, long compared, long total) {
        next.verifyProgress(step, compared, total);
    }

    @Override
    public void lag(Map<String, Double> lagMillis) {
        next.lag(lagMillis);
    }

    @Override
    public void note(String message) {
        next.note(message);
    }

    @Override
    public void warn(String message) {
        next.warn(message);
    }
}
