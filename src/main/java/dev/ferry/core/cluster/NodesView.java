package dev.ferry.core.cluster;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/** One node's {@code CLUSTER NODES}: the cluster as that node sees it. */
public record NodesView(String seenFrom, List<ClusterNode> nodes) {

    public NodesView {
        nodes = List.copyOf(nodes);
    }

    public static NodesView of(String seenFrom, String clusterNodesReply) {
        return new NodesView(seenFrom, ClusterNode.parseAll(clusterNodesReply));
    }

    public ClusterNode myself() {
        return nodes.stream().filter(ClusterNode::myself).findFirst()
                .orElseThrow(() -> new IllegalStateException(seenFrom + ": CLUSTER NODES has no myself line"));
    }

    public Optional<ClusterNode> byId(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    public Optional<ClusterNode> byAddress(String address) {
        return nodes.stream().filter(n -> n.address().equals(address)).findFirst();
    }

    public List<ClusterNode> masters() {
        return nodes.stream().filter(ClusterNode::master).toList();
    }

    /** Masters that serve at least one slot: the shards. */
    public List<ClusterNode> shardMasters() {
        return nodes.stream().filter(n -> n.master() && n.slotCount() > 0).toList();
    }

    public List<ClusterNode> replicasOf(String masterId) {
        return nodes.stream().filter(n -> n.replicaOf(masterId)).toList();
    }

    /** The slots no master of this view serves. */
    public BitSet uncovered() {
        BitSet covered = new BitSet(ClusterNode.SLOTS);
        masters().forEach(m -> covered.or(m.slots()));
        BitSet missing = new BitSet(ClusterNode.SLOTS);
        missing.set(0, ClusterNode.SLOTS);
        missing.andNot(covered);
        return missing;
    }

    /** Whether this view lists {@code id} as a full member (not only in handshake). */
    public boolean knows(String id) {
        return byId(id).filter(n -> !n.flags().contains("handshake")).isPresent();
    }

    /** Whether this view has {@code replicaId} as a replica of {@code masterId}. */
    public boolean hasReplica(String masterId, String replicaId) {
        return byId(replicaId).filter(n -> n.replicaOf(masterId)).isPresent();
    }

    /** Whether this view has {@code masterId} as a master serving every slot of {@code slots}. */
    public boolean serves(String masterId, BitSet slots) {
        return byId(masterId).filter(ClusterNode::master).map(n -> {
            BitSet missing = (BitSet) slots.clone();
            missing.andNot(n.slots());
            return missing.isEmpty();
        }).orElse(false);
    }

    /** The slots written as ranges, as CLUSTER NODES writes them: {@code 0-5460,10923}. */
    public static String ranges(BitSet slots) {
        StringBuilder out = new StringBuilder();
        for (int start = slots.nextSetBit(0); start >= 0; ) {
            int end = slots.nextClearBit(start) - 1;
            out.append(out.length() > 0 ? "," : "").append(start).append(start == end ? "" : "-" + end);
            start = slots.nextSetBit(end + 1);
        }
        return out.toString();
    }

    /** The slots {@link #ranges} wrote. */
    public static BitSet parseRanges(String ranges) {
        BitSet slots = new BitSet(ClusterNode.SLOTS);
        for (String range : ranges.split(",")) {
            ClusterNode.addSlots(range, slots, new java.util.ArrayList<>());
        }
        return slots;
    }
}
