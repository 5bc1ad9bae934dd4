package dev.ferry.testkit;

import dev.ferry.core.FerryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster move on throwaway nodes, by ferry or by hand: how it ended ({@code failure} empty when it completed;
 * {@code report} is ferry's cluster report, empty by hand), the writers' stats and their own count of lost
 * writes, each shard's time and longest writer gap around its switch, and the move's total time (setup, keys
 * and writers' start not counted), and the old nodes some new node still lists after the move (should be none:
 * {@code old-nodes: forget}).
 */
public record ClusterDemoResult(Optional<FerryException> failure, Map<String, Object> report, WriterStats writers,
        LossReport loss, List<Long> shardMillis, List<Long> gapMillis, List<Long> switchGapMillis, Duration took, List<String> oldNodesStillKnown) {

    public long lost() {
        return loss.lost();
    }

    public boolean completed() {
        return failure.isEmpty();
    }
}
