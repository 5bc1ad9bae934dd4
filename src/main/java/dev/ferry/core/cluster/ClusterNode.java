package dev.ferry.core.cluster;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * One line of {@code CLUSTER NODES}: how one node sees one node (itself when {@code myself}).
 *
 * @param address {@code host:port} as the cluster announces it (the bus port and hostname after it dropped)
 * @param busPort the cluster bus port ({@code @busport}; port + 10000 where the line has none, as on 3.0)
 * @param masterId the master's id for a replica, empty for a master
 * @param slots the slots this line says the node serves
 * @param openSlots slots shown as migrating ({@code [n->-id]}) or importing ({@code [n-<-id]})
 */
public record ClusterNode(String id, String address, int busPort, Set<String> flags, String masterId, long configEpoch,
        boolean connected, BitSet slots, List<String> openSlots) {

    public static final int SLOTS = 16384;

    public boolean myself() {
        return flags.contains("myself");
    }

    public boolean master() {
        return flags.contains("master");
    }

    public boolean replica() {
        return flags.contains("slave");
    }

    /** Marked failing by this view ({@code fail} or {@code fail?}), or not yet a full member ({@code handshake}). */
    public boolean unhealthy() {
        return flags.contains("fail") || flags.contains("fail?") || flags.contains("handshake") || flags.contains("noaddr");
    }

    public boolean replicaOf(String master) {
        return replica() && masterId.equals(master);
    }

    public String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }

    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    public int slotCount() {
        return slots.cardinality();
    }

    /** Parses {@code CLUSTER NODES} output (3.0 to 8.x: with or without {@code @busport[,hostname]}). */
    public static List<ClusterNode> parseAll(String reply) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (String line : reply.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(parse(line.strip()));
            }
        }
        return List.copyOf(nodes);
    }

    static ClusterNode parse(String line) {
        String[] f = line.split(" ");
        if (f.length < 8) {
            throw new IllegalArgumentException("not a CLUSTER NODES line: " + line);
        }
        String address = f[1];
        int comma = address.indexOf(',');
        if (comma >= 0) {
            address = address.substring(0, comma); // 7.0+: ,hostname
        }
        int at = address.indexOf('@');
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, at >= 0 ? at : address.length()));
        int busPort = at >= 0 ? Integer.parseInt(address.substring(at + 1)) : port + 10000;
        if (at >= 0) {
            address = address.substring(0, at);
        }
        BitSet slots = new BitSet(SLOTS);
        List<String> open = new ArrayList<>();
        for (int i = 8; i < f.length; i++) {
            addSlots(f[i], slots, open);
        }
        return new ClusterNode(f[0], address, busPort, Set.of(f[2].split(",")), "-".equals(f[3]) ? "" : f[3],
                Long.parseLong(f[6]), "connected".equals(f[7]), slots, List.copyOf(open));
    }

    static void addSlots(String field, BitSet slots, List<String> open) {
        if (field.startsWith("[")) {
            open.add(field);
            return;
        }
        int dash = field.indexOf('-');
        if (dash < 0) {
            slots.set(Integer.parseInt(field));
        } else {
            slots.set(Integer.parseInt(field.substring(0, dash)), Integer.parseInt(field.substring(dash + 1)) + 1);
        }
    }
}
