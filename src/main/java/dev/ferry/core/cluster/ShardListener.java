package dev.ferry.core.cluster;

import dev.ferry.core.procedure.ForwardingListener;
import dev.ferry.core.procedure.RunListener;
import java.time.Duration;
import java.util.Map;

/** Tells the cluster run's listener what a shard does, each step and message prefixed with the shard. */
final class ShardListener extends ForwardingListener {
    private final String prefix;

    ShardListener(RunListener next, Shard shard) {
        super(next);
        this.prefix = "shard " + (shard.index() + 1) + ": ";
    }

    @Override
    public void stepStarted(String step) {
        super.stepStarted(prefix + step);
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        super.stepFinished(prefix + step, took, facts);
    }

    @Override
    public void stepFailed(String step, String error) {
        super.stepFailed(prefix + step, error);
    }

    @Override
    public void verifyProgress(String step, long compared, long total) {
        super.verifyProgress(prefix + step, compared, total);
    }

    @Override
    public void note(String message) {
        super.note(prefix + message);
    }

    @Override
    public void warn(String message) {
        super.warn(prefix + message);
    }
}
