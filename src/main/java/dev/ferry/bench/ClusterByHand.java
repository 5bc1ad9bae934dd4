package dev.ferry.bench;

import dev.ferry.testkit.ClusterBed;
import dev.ferry.testkit.ClusterView;
import dev.ferry.testkit.DemoCluster;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.ShardTimes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 12's by-hand cluster move, shard after shard, as an operator types it: {@code CLUSTER MEET}, {@code CLUSTER
 * REPLICATE}, wait until the new node is synced and every node lists it as the master's replica, {@code CLUSTER
 * FAILOVER} on it and wait until every node agrees; then the shard's new replica attached and the old nodes
 * forgotten on every remaining node and isolated, as ferry does, so both ways end the same. Waits poll every node
 * (the bed's 50 ms agreement polls); nothing else sleeps.
 */
final class ClusterByHand {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private ClusterByHand() {
    }

    static void move(DemoCluster demo, ShardTimes times) {
        for (int i = 0; i < demo.setup().shards(); i++) {
            shard(demo, times, i);
        }
    }

    private static void shard(DemoCluster demo, ShardTimes times, int i) {
        ClusterBed bed = demo.bed();
        RedisServer a = demo.oldMaster(i);
        RedisServer b = demo.newMaster(i);
        String aId = bed.nodeId(a);
        String bId = bed.nodeId(b);
        List<String> oldReplicaIds = demo.oldReplicas(i).stream().map(bed::nodeId).toList();
        times.shardStarted(i);
        join(bed, a, b);
        replicate(bed, b, aId);
        times.switchStarted(i);
        call(b, Jedis::clusterFailover);
        bed.awaitAgreement(LIMIT, v -> v.isMaster(bId) && v.isReplicaOf(aId, bId)
                && oldReplicaIds.stream().allMatch(r -> v.isReplicaOf(r, bId)));
        times.switchEnded(i);
        RedisServer c = demo.newReplica(i);
        join(bed, b, c);
        replicate(bed, c, bId);
        List<RedisServer> old = new ArrayList<>(List.of(a));
        old.addAll(demo.oldReplicas(i));
        forget(bed, old);
        times.shardEnded(i);
    }

    /** MEET from a member, until every member lists the newcomer. */
    private static void join(ClusterBed bed, RedisServer member, RedisServer newcomer) {
        String id = bed.nodeId(newcomer);
        call(member, j -> j.clusterMeet(newcomer.host(), newcomer.port()));
        bed.awaitAgreement(LIMIT, v -> v.byId(id).isPresent());
    }

    /** REPLICATE, until the link is up and every node lists the replica under its master. */
    private static void replicate(ClusterBed bed, RedisServer replica, String masterId) {
        String id = bed.nodeId(replica);
        call(replica, j -> j.clusterReplicate(masterId));
        ClusterBed.awaitLinksUp(List.of(replica), LIMIT);
        bed.awaitAgreement(LIMIT, v -> v.isReplicaOf(id, masterId));
    }

    /** FORGET on every remaining node, the old nodes told to forget all but their master, until no node lists them. */
    private static void forget(ClusterBed bed, List<RedisServer> old) {
        List<String> oldIds = old.stream().map(bed::nodeId).toList();
        ClusterView view = bed.awaitAgreement(LIMIT);
        for (ClusterView.Node n : view.nodes()) {
            if (!oldIds.contains(n.id())) {
                RedisServer remaining = bed.server(n);
                oldIds.forEach(id -> forgetOn(remaining, id));
            }
        }
        for (RedisServer o : old) {
            ClusterView own = ClusterView.parse(call(o, Jedis::clusterNodes), o.hostAndPort());
            String self = bed.nodeId(o);
            String master = own.byId(self).map(ClusterView.Node::masterId).orElse(null);
            own.nodes().stream().map(ClusterView.Node::id).filter(id -> !id.equals(self) && !id.equals(master))
                    .forEach(id -> forgetOn(o, id));
        }
        bed.awaitAgreement(LIMIT, v -> oldIds.stream().noneMatch(id -> v.byId(id).isPresent()));
    }

    private static void forgetOn(RedisServer node, String id) {
        try {
            call(node, j -> j.clusterForget(id));
        } catch (JedisDataException e) {
            if (!String.valueOf(e.getMessage()).contains("Unknown node")) {
                throw e;
            }
        }
    }

    private static <T> T call(RedisServer s, Function<Jedis, T> command) {
        try (Jedis j = s.client()) {
            return command.apply(j);
        }
    }
}
