package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.TlsSockets;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.redis.RedisError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ferry's connections to the nodes of one cluster move: the nodes the spec names and the ones found in the
 * cluster (old replicas), one {@link RedisNode} per address, opened lazily. Nodes are told apart by their
 * cluster node id, not by how the spec spells their address.
 */
public final class Cluster implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final ClusterSpec spec;
    private final SecretSource secrets;
    private final String clientName;
    private final Map<String, RedisNode> nodes = new LinkedHashMap<>();

    public Cluster(ClusterSpec spec, SecretSource secrets, String clientName) {
        this.spec = spec;
        this.secrets = secrets;
        this.clientName = clientName;
    }

    public ClusterSpec spec() {
        return spec;
    }

    public String clientName() {
        return clientName;
    }

    /** The connection to a node the spec names. */
    public synchronized RedisNode node(Endpoint e) {
        return nodes.computeIfAbsent(e.address(), address -> connect(address, e));
    }

    /** The connection to a node as {@code CLUSTER NODES} writes its address ({@code host:port}, IPv6 unbracketed). */
    public synchronized RedisNode node(String clusterAddress) {
        RedisNode known = nodes.get(clusterAddress);
        if (known != null) {
            return known;
        }
        for (Endpoint named : spec.namedNodes()) {
            if (named.address().equals(clusterAddress) || (named.host() + ":" + named.port()).equals(clusterAddress)) {
                return node(named);
            }
        }
        int colon = clusterAddress.lastIndexOf(':');
        Endpoint unnamed = spec.unnamed(clusterAddress.substring(0, colon),
                Integer.parseInt(clusterAddress.substring(colon + 1)));
        return nodes.computeIfAbsent(clusterAddress, address -> connect(address, unnamed));
    }

    private RedisNode connect(String label, Endpoint e) {
        return new RedisNode(label, e.host(), e.port(), spec.credentials(e, secrets), clientName, TIMEOUT_MILLIS,
                e.renames(), e.tls().map(tls -> TlsSockets.factory(e.role(), tls)));
    }

    /** How {@code node} sees the cluster. */
    public static NodesView view(RedisNode node) {
        return NodesView.of(node.address(), node.callString("CLUSTER", "NODES"));
    }

    /** The cluster node id of {@code node} (its {@code myself} line). */
    public static String idOf(RedisNode node) {
        return view(node).myself().id();
    }

    /** The view of the first seed that answers; every seed down is a connection failure (exit 4). */
    public NodesView seedView() {
        List<String> failures = new ArrayList<>();
        for (Endpoint seed : spec.seeds()) {
            try {
                return view(node(seed));
            } catch (FerryException e) {
                failures.add(e.getMessage());
            }
        }
        throw new FerryException(ExitCode.CONNECTION, "no seed of the cluster answers (" + String.join("; ", failures)
                + "): check cluster.seeds and that the nodes run");
    }

    /** Every node of the cluster as the seed sees it, plus the spec's new nodes (not yet members), by address. */
    public List<RedisNode> members(NodesView seen) {
        return members(seen, Set.of());
    }

    /** As {@link #members(NodesView)}, less the nodes with the ids in {@code except}. */
    public List<RedisNode> members(NodesView seen, Set<String> except) {
        List<RedisNode> all = new ArrayList<>();
        for (ClusterNode n : seen.nodes()) {
            if (!n.flags().contains("handshake") && !n.flags().contains("noaddr") && !except.contains(n.id())) {
                all.add(n.myself() ? node(seen.seenFrom()) : node(n.address()));
            }
        }
        return all;
    }

    /**
     * {@code CLUSTER FORGET} of every id on every node, all at once: on 7.0 and older each node blacklists a forgotten
     * id for 60 s only, so every node must have forgotten it within that window or gossip brings it back. A node that
     * does not know an id ({@code Unknown node}: forgotten already) or holds it as its master ({@code Can't forget my
     * master}) is left as it is: the checks after a forget find what is still listed. Returns the addresses of the
     * nodes that could not be reached.
     */
    public static Set<String> forget(Collection<RedisNode> nodes, Collection<String> ids) {
        Set<String> unreachable = new LinkedHashSet<>();
        for (RedisNode n : nodes) {
            for (String id : ids) {
                try {
                    n.callString("CLUSTER", "FORGET", id);
                } catch (RedisError e) {
                    if (!e.getMessage().contains("Unknown node") && !e.getMessage().contains("forget my master")) {
                        throw e;
                    }
                } catch (FerryException down) {
                    unreachable.add(n.address());
                }
            }
        }
        return unreachable;
    }

    /** Whether no node of {@code nodes} lists any of {@code ids} in its own view. */
    public static boolean nobodyLists(Collection<RedisNode> nodes, Collection<String> ids) {
        for (RedisNode n : nodes) {
            NodesView view = view(n);
            if (ids.stream().anyMatch(id -> view.byId(id).isPresent())) {
                return false;
            }
        }
        return true;
    }

    /** The node with this id in {@code seen}, connected. */
    public Optional<RedisNode> byId(NodesView seen, String id) {
        return seen.byId(id).map(n -> n.myself() ? node(seen.seenFrom()) : node(n.address()));
    }

    @Override
    public synchronized void close() {
        nodes.values().forEach(RedisNode::close);
        nodes.clear();
    }
}
