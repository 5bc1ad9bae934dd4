package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * One shard of a cluster move, as its steps see it: the old master a, the new master b and the new replicas (the
 * shard's own {@link RunContext} holds a, b and the first replica as c), the cluster's connections, and the lock
 * that lets one failover run at a time (failovers at the same moment can collide on their votes).
 */
public final class Shard {
    static final Duration POLL = Duration.ofMillis(20);
    /** Inside the switch every millisecond is a writer's wait: b's promotion and a's learning it are polled fast. */
    static final Duration SWITCH_POLL = Duration.ofMillis(2);

    private final Cluster cluster;
    private final int index;
    private final ClusterSpec.Move move;
    private final Semaphore failoverLock;
    private final boolean back;

    public Shard(Cluster cluster, int index, Semaphore failoverLock) {
        this(cluster, index, failoverLock, false);
    }

    private Shard(Cluster cluster, int index, Semaphore failoverLock, boolean back) {
        this.cluster = cluster;
        this.index = index;
        this.move = cluster.spec().moves().get(index);
        this.failoverLock = failoverLock;
        this.back = back;
    }

    /**
     * The shard moved back by rollback: its context's a is the new master, b the old one ({@code ClusterSpec.shardBack}),
     * and the only node that must be known as a's replica is b.
     */
    public Shard back() {
        return new Shard(cluster, index, failoverLock, true);
    }

    public Cluster cluster() {
        return cluster;
    }

    public int index() {
        return index;
    }

    public String label() {
        return "shard " + (index + 1) + (back ? " back" : "") + " (" + move.from().address() + (back ? " <- " : " -> ")
                + move.to().address() + ")";
    }

    public ClusterSpec.Move move() {
        return move;
    }

    Semaphore failoverLock() {
        return failoverLock;
    }

    /** The new nodes of the shard, b first: the context's b and c, then any further replicas. */
    List<RedisNode> newNodes(RunContext ctx) {
        List<RedisNode> nodes = new ArrayList<>();
        nodes.add(ctx.servers().b());
        if (!back) {
            nodes.addAll(newReplicas(ctx));
        }
        return nodes;
    }

    /** The nodes this shard's move added to the cluster (its new master and new replicas), as the cluster knows them. */
    List<RedisNode> addedNodes() {
        return move.newNodes().stream().map(cluster::node).toList();
    }

    List<RedisNode> newReplicas(RunContext ctx) {
        List<RedisNode> replicas = new ArrayList<>();
        ctx.servers().c().ifPresent(replicas::add);
        move.replicas().stream().skip(1).map(cluster::node).forEach(replicas::add);
        return replicas;
    }

    /**
     * Every node of the cluster as {@code from} sees it, plus this shard's new nodes: the nodes whose views must
     * agree before a switch.
     */
    List<RedisNode> members(RunContext ctx, RedisNode from) {
        Map<String, RedisNode> all = new LinkedHashMap<>();
        for (RedisNode n : cluster.members(Cluster.view(from))) {
            all.put(n.address(), n);
        }
        for (RedisNode n : newNodes(ctx)) {
            all.putIfAbsent(n.address(), n);
        }
        return List.copyOf(all.values());
    }

    /**
     * Polls until every node's view passes {@code agrees}, or fails after {@code timeout} naming the nodes that do
     * not; a node that cannot be asked counts as not agreeing.
     */
    void awaitViews(RunContext ctx, List<RedisNode> nodes, Predicate<NodesView> agrees, Duration timeout,
            String what, ExitCode onTimeout) {
        awaitViews(ctx, nodes, agrees, timeout, what, onTimeout, POLL);
    }

    void awaitViews(RunContext ctx, List<RedisNode> nodes, Predicate<NodesView> agrees, Duration timeout,
            String what, ExitCode onTimeout, Duration poll) {
        long deadline = ctx.nanos() + timeout.toNanos();
        while (true) {
            List<String> behind = new ArrayList<>();
            for (RedisNode n : nodes) {
                if (!agreesSafely(n, agrees)) {
                    behind.add(n.address());
                }
            }
            if (behind.isEmpty()) {
                return;
            }
            if (ctx.nanos() > deadline) {
                throw new FerryException(onTimeout, label() + ": after " + timeout.toSeconds() + "s, " + behind.size()
                        + " node(s) do not yet see " + what + ": " + String.join(", ", behind)
                        + ": check that they run and reach each other (CLUSTER NODES on them), raise cluster.settle-timeout"
                        + " if the cluster is large, then ferry resume");
            }
            ctx.sleep(poll);
        }
    }

    private static boolean agreesSafely(RedisNode n, Predicate<NodesView> agrees) {
        try {
            return agrees.test(Cluster.view(n));
        } catch (FerryException | dev.ferry.core.redis.RedisError unreachable) {
            return false;
        }
    }
}
