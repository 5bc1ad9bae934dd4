package dev.ferry.core.cluster;

import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.redis.RedisVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which versions can share one cluster bus during a move (old and new nodes are members at the same time). The
 * sources of each rule are in docs/cluster-internals.md §7. Each broken mix is one line naming the nodes, the
 * reason and the fix.
 */
final class ClusterBusMix {
    static final String NAME = "cluster bus";

    /**
     * One node that is in the cluster at some point of the move.
     *
     * @param announceHostname its {@code cluster-announce-hostname} (empty when unset or unknown to the version)
     */
    record Member(String address, RedisVersion version, String announceHostname) {
        Member {
            announceHostname = announceHostname == null ? "" : announceHostname;
        }
    }

    private ClusterBusMix() {
    }

    static List<CheckResult> check(List<Member> members) {
        List<CheckResult> results = new ArrayList<>();
        busProtocol(members).ifPresent(results::add);
        extensionsToOldNodes(members).ifPresent(results::add);
        hostnameExtensionsToOldNodes(members).ifPresent(results::add);
        early72With70(members).ifPresent(results::add);
        if (results.isEmpty()) {
            restartHazard(members).ifPresent(results::add);
        }
        if (results.isEmpty()) {
            TreeSet<String> versions = members.stream().map(m -> m.version().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            results.add(CheckResult.pass(NAME, "versions in the cluster during the move can share its bus: "
                    + String.join(", ", versions)));
        }
        return results;
    }

    private static Optional<CheckResult> busProtocol(List<Member> members) {
        List<Member> v3 = select(members, m -> m.version().major() == 3);
        List<Member> v4up = select(members, m -> m.version().major() >= 4);
        return refuseIf(!v3.isEmpty() && !v4up.isEmpty(), nodes(v3) + " (3.x, bus protocol 0) and " + nodes(v4up)
                + " (4.0+, bus protocol 1) drop each other's packets, so they never form one cluster",
                "a 3.x cluster cannot be moved by MEET/REPLICATE/FAILOVER to a newer version: move it to new 3.x"
                        + " nodes of the same version, or copy the data by another way");
    }

    private static Optional<CheckResult> extensionsToOldNodes(List<Member> members) {
        List<Member> sending = select(members, ClusterBusMix::alwaysSendsExtensions);
        List<Member> old = upTo62(members);
        return refuseIf(!sending.isEmpty() && !old.isEmpty(), nodes(sending) + " (Redis 7.2/7.4, Valkey 7.2) always"
                + " send ping extensions, which " + nodes(old) + " (6.2 or older) drop whole (redis/redis#12685): they"
                + " never see each other", "run the new nodes on Valkey 8.0+ or Redis 8.0+ (they send extensions only"
                + " to nodes that understand them), or move to 7.0 first");
    }

    private static Optional<CheckResult> hostnameExtensionsToOldNodes(List<Member> members) {
        List<Member> withHostname = select(redis70(members), m -> !m.announceHostname().isEmpty());
        List<Member> old = upTo62(members);
        return refuseIf(!withHostname.isEmpty() && !old.isEmpty(), nodes(withHostname) + " (7.0 with"
                + " cluster-announce-hostname set) send ping extensions, which " + nodes(old) + " (6.2 or older) drop"
                + " whole (redis/redis#12685)", "clear it on those nodes for the move (CONFIG SET"
                + " cluster-announce-hostname \"\")");
    }

    private static Optional<CheckResult> early72With70(List<Member> members) {
        List<Member> early72 = early72(members);
        List<Member> redis70 = redis70(members);
        return refuseIf(!early72.isEmpty() && !redis70.isEmpty(), nodes(early72) + " (Redis 7.2.0-7.2.3) with "
                + nodes(redis70) + " (7.0): shard-id crashes in mixed 7.0/7.2 clusters (redis/redis#12604, #12805,"
                + " #12832)", "run the new nodes on 7.2.4 or newer");
    }

    private static Optional<CheckResult> restartHazard(List<Member> members) {
        List<Member> exposed = select(members, ClusterBusMix::shardIdRestartHazard);
        List<Member> upTo70 = select(members, m -> !m.version().atLeast(7, 2));
        if (exposed.isEmpty() || upTo70.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CheckResult.warn(NAME, nodes(exposed) + " (Redis 7.2.4+ or Valkey 8.0) with "
                + nodes(upTo70) + " (7.0 or older): a restart of one of the former mid-move may refuse its"
                + " nodes.conf on a shard-id mismatch (redis/redis#12761, valkey#774; fixed in Redis 8.0 only)",
                "do not restart those nodes until the move has finished, or use Redis 8.0+ for the new nodes"));
    }

    private static Optional<CheckResult> refuseIf(boolean broken, String detail, String fix) {
        return broken ? Optional.of(CheckResult.fail(NAME, detail, fix)) : Optional.empty();
    }

    private static List<Member> upTo62(List<Member> members) {
        return select(members, m -> !m.version().atLeast(7, 0));
    }

    private static List<Member> redis70(List<Member> members) {
        return select(members, m -> isRedis(m) && is(m, 7, 0));
    }

    private static List<Member> early72(List<Member> members) {
        return select(members, m -> isRedis(m) && is(m, 7, 2) && m.version().patch() < 4);
    }

    private static boolean isRedis(Member m) {
        return m.version().forkVersion().isEmpty();
    }

    /** Redis 7.2-7.4 and Valkey before 8.0 (which got #13465's "extensions only to nodes that support them"). */
    private static boolean alwaysSendsExtensions(Member m) {
        RedisVersion v = m.version();
        return v.forkVersion().map(fork -> !fork.atLeast(8, 0)).orElse(v.atLeast(7, 2) && !v.atLeast(8, 0));
    }

    /** nodes.conf shard-id check at start-up (#12761): fixed in Redis 8.0 (#13468), open in Valkey 8.0 (valkey#774). */
    private static boolean shardIdRestartHazard(Member m) {
        RedisVersion v = m.version();
        return v.forkVersion().map(fork -> !fork.atLeast(8, 1)).orElse(v.atLeast(7, 2) && !v.atLeast(8, 0));
    }

    private static boolean is(Member m, int major, int minor) {
        return m.version().major() == major && m.version().minor() == minor;
    }

    private static List<Member> select(List<Member> members, Predicate<Member> which) {
        return members.stream().filter(which).toList();
    }

    /** {@code 127.0.0.1:7000, 127.0.0.1:7001} (at most 4, then how many more): a line stays readable on 60 nodes. */
    private static String nodes(List<Member> members) {
        List<String> shown = members.stream().limit(4).map(m -> m.address() + " " + m.version()).toList();
        return String.join(", ", shown) + (members.size() > 4 ? " and " + (members.size() - 4) + " more" : "");
    }
}
