package dev.ferry.core.cluster;

import dev.ferry.core.journal.RunStatus;
import java.util.List;
import java.util.Map;

/** How a cluster move ended: its status, each shard's outcome, and the report built from the journals. */
public record ClusterResult(RunStatus status, List<ClusterRunner.ShardOutcome> shards, Map<String, Object> report) {
}
