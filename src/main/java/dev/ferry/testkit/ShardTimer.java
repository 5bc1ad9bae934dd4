package dev.ferry.testkit;

import dev.ferry.core.procedure.ForwardingListener;
import dev.ferry.core.procedure.RunListener;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster run's listener that times each shard for {@link ShardTimes} (from its first step to its last: "forget
 * old nodes" or "keep old nodes"; the switch from "cutover" on), then passes every event on unchanged.
 */
final class ShardTimer extends ForwardingListener {
    private static final Pattern SHARD_STEP = Pattern.compile("shard (\\d+): (.+)");
    static final String SWITCH_STEP = "cutover";

    private final ShardTimes times;

    ShardTimer(RunListener next, ShardTimes times) {
        super(next);
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
        super.stepStarted(step);
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
        super.stepFinished(step, took, facts);
    }
}
