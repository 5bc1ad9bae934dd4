package dev.ferry.core.cluster;

import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ferry verify} compares for a cluster spec, shard by shard, from live state: a shard not yet switched
 * compares its new master with the old one (once it replicates it); a switched shard compares each new replica with
 * the new master. Each node holds only its shard's slots, so a pair compares exactly that shard's keys.
 */
public final class ClusterVerifyPairs {
    private ClusterVerifyPairs() {
    }

    public record ShardPairs(int shard, String state, List<List<RedisNode>> pairs) {
    }

    public static List<ShardPairs> of(Cluster cluster) {
        ClusterSpec spec = cluster.spec();
        List<ShardPairs> all = new ArrayList<>();
        for (int i = 0; i < spec.moves().size(); i++) {
            ClusterSpec.Move move = spec.moves().get(i);
            RedisNode a = cluster.node(move.from());
            RedisNode b = cluster.node(move.to());
            ClusterNode bSelf = Cluster.view(b).myself();
            List<List<RedisNode>> pairs = new ArrayList<>();
            String state;
            if (bSelf.master() && bSelf.slotCount() > 0) {
                state = "switched: new master against its new replicas";
                for (Endpoint replica : move.replicas()) {
                    RedisNode r = cluster.node(replica);
                    if (Cluster.view(r).myself().replicaOf(bSelf.id())) {
                        pairs.add(List.of(b, r));
                    }
                }
            } else if (bSelf.replicaOf(Cluster.idOf(a))) {
                state = "not switched: new master against the old one";
                pairs.add(List.of(a, b));
            } else {
                state = "not started: nothing to compare";
            }
            all.add(new ShardPairs(i + 1, state, pairs));
        }
        return all;
    }
}
