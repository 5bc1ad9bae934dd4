package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import redis.clients.jedis.HostAndPort;

/**
 * One node's CLUSTER NODES, reduced to what every node must agree on: who is a master, whose replica each
 * replica is, which slots each master serves. Ping times, epochs, link states and the local-only flags
 * (myself, pfail) are dropped, and nodes flagged {@code fail} are left out, so two healthy nodes' views of
 * the same cluster are equal. Nodes are sorted by id.
 */
public record ClusterView(List<Node> nodes) {

    public static final int SLOTS = 16384;

    public ClusterView {
        nodes = nodes.stream().sorted(Comparator.comparing(Node::id)).toList();
    }

    /**
     * One node as the view's owner sees it: {@code masterId} is null for a master; {@code slots} is empty
     * for a replica.
     */
    public record Node(String id, HostAndPort address, boolean master, String masterId, BitSet slots) {

        public Node {
            slots = (BitSet) slots.clone();
        }

        @Override
        public BitSet slots() {
            return (BitSet) slots.clone();
        }
    }

    /** Parses CLUSTER NODES output of any version (3.0's {@code ip:port} and 4.0+'s {@code ip:port@bus}). */
    public static ClusterView parse(String clusterNodes) {
        return parse(clusterNodes, null);
    }

    /**
     * As {@link #parse(String)}, from the node at {@code self}: a node no other has met yet does not know its
     * own IP and lists itself as {@code :port}, so its {@code myself} line gets {@code self} instead.
     */
    public static ClusterView parse(String clusterNodes, HostAndPort self) {
        List<Node> out = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 8) {
                continue;
            }
            Set<String> flags = Set.of(f[2].split(","));
            if (flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr")) {
                continue;
            }
            boolean master = flags.contains("master");
            HostAndPort address = address(f[1]);
            if (self != null && flags.contains("myself") && address.getHost().isEmpty()) {
                address = self;
            }
            out.add(new Node(f[0], address, master, master || "-".equals(f[3]) ? null : f[3], slots(f)));
        }
        return new ClusterView(out);
    }

    /** {@code 127.0.0.1:7000@17000,hostname} to 127.0.0.1:7000. */
    private static HostAndPort address(String field) {
        String hostPort = field.split("[@,]", 2)[0];
        int colon = hostPort.lastIndexOf(':');
        return new HostAndPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Slot fields start at index 8: {@code 5} or {@code 0-5460}; {@code [5->-id]} (migrating) is skipped. */
    private static BitSet slots(String[] fields) {
        BitSet slots = new BitSet(SLOTS);
        for (int i = 8; i < fields.length; i++) {
            String s = fields[i];
            if (s.startsWith("[")) {
                continue;
            }
            int dash = s.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1));
            slots.set(from, to + 1);
        }
        return slots;
    }

    public List<Node> masters() {
        return nodes.stream().filter(Node::master).toList();
    }

    public List<Node> replicas() {
        return nodes.stream().filter(n -> !n.master()).toList();
    }

    public List<Node> replicasOf(String masterId) {
        return nodes.stream().filter(n -> masterId.equals(n.masterId())).toList();
    }

    public Optional<Node> byId(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    public Optional<Node> byAddress(HostAndPort address) {
        return nodes.stream().filter(n -> n.address().equals(address)).findFirst();
    }

    /** Whether node {@code replicaId} is listed as a replica of {@code masterId}. */
    public boolean isReplicaOf(String replicaId, String masterId) {
        return byId(replicaId).map(n -> masterId.equals(n.masterId())).orElse(false);
    }

    /** Whether node {@code id} is listed as a master. */
    public boolean isMaster(String id) {
        return byId(id).map(Node::master).orElse(false);
    }

    /** The master serving {@code slot}, if any. */
    public Optional<Node> ownerOf(int slot) {
        return masters().stream().filter(n -> n.slots().get(slot)).findFirst();
    }

    /** Slots some master serves. */
    public int coveredSlots() {
        BitSet all = new BitSet(SLOTS);
        masters().forEach(m -> all.or(m.slots()));
        return all.cardinality();
    }

    /** One line per node, for error messages: {@code id addr master|replica-of:id slots=n}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append("\n  ").append(n.id(), 0, Math.min(8, n.id().length())).append(' ').append(n.address())
                    .append(n.master() ? " master slots=" + n.slots().cardinality()
                            : " replica-of " + (n.masterId() == null ? "?" : n.masterId().substring(0, 8)));
        }
        return sb.toString();
    }
}
