package dev.ferry.core.cluster;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import java.time.Duration;
import java.util.Map;

/** Tells the cluster run's listener what a shard does, each step and message prefixed with the shard. */
final class ShardListener implements RunListener {
    private final RunListener next;
    private final String prefix;

    ShardListener(RunListener next, Shard shard) {
        this.next = next;
        this.prefix = "shard " + (shard.index() + 1) + ": ";
    }

    @Override
    public void stepStarted(String step) {
        next.stepStarted(prefix + step);
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        next.stepFinished(prefix + step, took, facts);
    }

    @Override
    public void stepFailed(String step, String error) {
        next.stepFailed(prefix + step, error);
    }

    @Override
    public void progress(SyncProgress progress) {
        next.progress(progress);
    }

    @Override
    public void verifyProgress(String step, long compared, long total) {
        next.verifyProgress(prefix + step, compared, total);
    }

    @Override
    public void lag(Map<String, Double> lagMillis) {
        next.lag(lagMillis);
    }

    @Override
    public void note(String message) {
        next.note(prefix + message);
    }

    @Override
    public void warn(String message) {
        next.warn(prefix + message);
    }
}
