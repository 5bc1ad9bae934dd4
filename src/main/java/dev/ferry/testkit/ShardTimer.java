package dev.ferry.testkit;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster run's listener that times each shard for {@link ShardTimes} (from its first step to its last: "forget
 * old nodes" or "keep old nodes"; the switch from "cutover" on), then passes every event on unchanged.
 */
final class ShardTimer implements RunListener {
    private static final Pattern SHARD_STEP = Pattern.compile("shard (\\d+): (.+)");
    static final String SWITCH_STEP = "cutover";

    private final RunListener next;
    private final ShardTimes times;

    ShardTimer(RunListener next, ShardTimes times) {
        this.next = next;
        this.times = times;
    }

    /** The 0-based shard and the step of a shard's step name ({@code "shard 2: cutover"}), if it is one. */
    static Optional<Map.Entry<Integer, String>> parse(String step) {
        Matcher m = SHARD_STEP.matcher(step);
        return m.matches() ? Optional.of(Map.entry(Integer.parseInt(m.group(1)) - 1, m.group(2))) : Optional.empty();
    }

    @Override
    public void stepStarted(String step) {
        parse(step).ifPresent(s -> {
            times.shardStarted(s.getKey());
            if (SWITCH_STEP.equals(s.getValue())) {
                times.switchStarted(s.getKey());
            }
        });
        next.stepStarted(step);
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        parse(step).ifPresent(s -> {
            if (SWITCH_STEP.equals(s.getValue())) {
                times.switchEnded(s.getKey());
            } else if (s.getValue().endsWith(" old nodes")) {
                times.shardEnded(s.getKey());
            }
        });
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
