package dev.ferry.core.fleet;

import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What two pairs of one fleet must never share: a server (by {@code run_id}, so two addresses of one server are
 * caught, as preflight does for a, b and c), a VIP, or a hook's check-endpoint. Two moves on one server would
 * fight over its role; two switches of one VIP would move it twice.
 */
final class FleetConflicts {
    private FleetConflicts() {
    }

    /**
     * One line per conflict; empty when the pairs are independent. {@code ids} holds each pair's servers as its
     * preflight or plan read them ({@link #serverIds}); a pair without (its servers could not be reached: that is
     * its own preflight's business) is compared by address.
     */
    static List<String> find(List<Spec> specs, Map<String, Map<String, String>> ids) {
        List<String> conflicts = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (Spec spec : specs) {
            for (Map.Entry<String, String> id : ids.getOrDefault(spec.name(), addresses(spec)).entrySet()) {
                claim(owners, "server " + id.getKey(), spec.name() + "'s " + id.getValue(), conflicts);
            }
            vip(spec).ifPresent(vip -> claim(owners, "VIP " + vip, spec.name(), conflicts));
            spec.switchSpec().checkEndpoint().ifPresent(e -> claim(owners, "check-endpoint " + e, spec.name(), conflicts));
        }
        return conflicts;
    }

    private static void claim(Map<String, String> owners, String what, String who, List<String> conflicts) {
        String earlier = owners.putIfAbsent(what, who);
        if (earlier != null) {
            conflicts.add(what + " is in " + earlier + " and in " + who + " (one move per server and per switch:"
                    + " put them in separate fleets or fix the spec)");
        }
    }

    /** run_id (or the address, for a server that does not answer) to the server's label, on open connections. */
    static Map<String, String> serverIds(Servers servers) {
        Map<String, String> ids = new HashMap<>();
        for (RedisNode node : servers.all()) {
            ids.put(idOf(node), node.label() + " (" + node.address() + ")");
        }
        return ids;
    }

    private static Map<String, String> addresses(Spec spec) {
        Map<String, String> ids = new HashMap<>();
        spec.servers().forEach(e -> ids.put(e.address(), e.role() + " (" + e.address() + ")"));
        return ids;
    }

    private static String idOf(RedisNode node) {
        try {
            return "run_id " + node.runId();
        } catch (RuntimeException e) {
            return node.address();
        }
    }

    private static Optional<String> vip(Spec spec) {
        Object vip = spec.switchSpec().options().get("vip");
        return vip == null ? Optional.empty() : Optional.of(String.valueOf(vip));
    }
}
