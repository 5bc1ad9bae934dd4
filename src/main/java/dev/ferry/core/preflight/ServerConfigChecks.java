package dev.ferry.core.preflight;

import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Sentinel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Settings that make the copy differ from the original or that undo ferry's work: modules, persistence,
 * writable replicas, protected mode, a Sentinel watching a, and databases other than 0.
 */
public final class ServerConfigChecks {
    private static final String SENTINEL_HELLO = "__sentinel__:hello";

    private ServerConfigChecks() {
    }

    public static List<CheckResult> all(Survey survey) {
        List<CheckResult> results = new ArrayList<>();
        results.add(Guard.check("modules", () -> modules(survey)));
        results.add(Guard.check("persistence", () -> persistence(survey)));
        results.add(Guard.check("read-only replicas", () -> replicaReadOnly(survey)));
        results.add(Guard.check("protected mode", () -> protectedMode(survey)));
        results.add(Guard.check("sentinel", () -> sentinel(survey)));
        results.add(Guard.check("databases", () -> databases(survey)));
        return results;
    }

    /** b loads a's module types from the RDB: without the module it fails to load the data. */
    static CheckResult modules(Survey survey) {
        Set<String> onA = modules(survey.servers().a());
        for (RedisNode n : survey.servers().all().subList(1, survey.servers().all().size())) {
            Set<String> missing = new TreeSet<>(onA);
            missing.removeAll(modules(n));
            if (!missing.isEmpty()) {
                return CheckResult.fail("modules", n.label() + " lacks module(s) " + missing + " that a has loaded",
                        "load the same modules on " + n.label() + " (loadmodule in its redis.conf)");
            }
        }
        return CheckResult.pass("modules", onA.isEmpty() ? "a loads no module" : "b and c load " + onA);
    }

    private static Set<String> modules(RedisNode n) {
        Set<String> names = new TreeSet<>();
        if (!n.version().atLeast(4, 0)) {
            return names;
        }
        Object reply = n.call("MODULE", "LIST");
        if (reply instanceof List<?> list) {
            for (Object module : list) {
                if (module instanceof List<?> fields) {
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        if ("name".equals(RedisNode.asString(fields.get(i)))) {
                            names.add(RedisNode.asString(fields.get(i + 1)));
                        }
                    }
                }
            }
        }
        return names;
    }

    static CheckResult persistence(Survey survey) {
        List<String> differences = new ArrayList<>();
        RedisNode a = survey.servers().a();
        for (String key : List.of("appendonly", "save")) {
            String onA = Survey.config(a, key).orElse("?");
            for (RedisNode n : survey.servers().all().subList(1, survey.servers().all().size())) {
                String there = Survey.config(n, key).orElse("?");
                if (!onA.equals(there)) {
                    differences.add(key + " a='" + onA + "' " + n.label() + "='" + there + "'");
                }
            }
        }
        if (!differences.isEmpty()) {
            return CheckResult.warn("persistence", String.join(", ", differences),
                    "b takes over a's job: give it the persistence a had (appendonly, save) in its redis.conf");
        }
        return CheckResult.pass("persistence", "appendonly and save match on every server");
    }

    /** A writable replica accepts writes that the next sync silently discards. */
    static CheckResult replicaReadOnly(Survey survey) {
        for (RedisNode n : survey.servers().all().subList(1, survey.servers().all().size())) {
            if ("no".equals(Survey.config(n, "replica-read-only").orElse("yes"))) {
                String key = n.version().configName("replica-read-only");
                return CheckResult.warn("read-only replicas", n.label() + " has " + key + " no: writes sent to it while it"
                        + " replicates are lost at the next sync", "CONFIG SET " + key + " yes on " + n.label());
            }
        }
        return CheckResult.pass("read-only replicas", "b and c refuse writes while they replicate");
    }

    /**
     * Protected mode (3.2+) refuses every non-loopback connection to a server without password or bind: a replica
     * on another host could not connect.
     */
    static CheckResult protectedMode(Survey survey) {
        for (RedisNode n : survey.servers().all()) {
            if (!n.version().atLeast(3, 2) || !"yes".equals(Survey.config(n, "protected-mode").orElse("no"))) {
                continue;
            }
            boolean noPassword = Survey.config(n, "requirepass").map(String::isEmpty).orElse(true);
            boolean noBind = Survey.config(n, "bind").map(String::isBlank).orElse(true);
            Optional<RedisNode> remote = survey.servers().all().stream().filter(o -> o != n && !isLoopback(o.host())).findFirst();
            if (noPassword && noBind && remote.isPresent()) {
                return CheckResult.fail("protected mode", n.label() + " has protected-mode yes, no password and no bind:"
                        + " it refuses " + remote.get().label() + " (" + remote.get().host() + ")",
                        "set a password (requirepass) or bind on " + n.label() + ", or CONFIG SET protected-mode no");
            }
        }
        return CheckResult.pass("protected mode", "no server refuses the others");
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** A Sentinel would see a demoted and "fail over" back: it undoes the move, unless the spec says what to do. */
    static CheckResult sentinel(Survey survey) {
        RedisNode a = survey.servers().a();
        List<String> seen = a.clients().stream().map(c -> c.name()).filter(name -> name.startsWith("sentinel-"))
                .collect(Collectors.toList());
        Object numsub = a.call("PUBSUB", "NUMSUB", SENTINEL_HELLO);
        long subscribers = numsub instanceof List<?> l && l.size() == 2 ? Long.parseLong(RedisNode.asString(l.get(1))) : 0;
        Sentinel.Action action = survey.spec().sentinel().action();
        if (action == Sentinel.Action.MOVE) {
            return SentinelChecks.listed(survey, subscribers);
        }
        if (seen.isEmpty() && subscribers == 0) {
            return CheckResult.pass("sentinel", "no Sentinel watches a");
        }
        String watched = "a Sentinel watches a (" + (seen.isEmpty() ? "" : "clients " + seen + ", ")
                + subscribers + " subscriber(s) of " + SENTINEL_HELLO + ")";
        if (action == Sentinel.Action.IGNORE) {
            return CheckResult.warn("sentinel", watched + " and the spec says sentinel: { action: ignore }: it may point"
                    + " b back at a or fail over while ferry moves a", "make sure it cannot act (SENTINEL REMOVE), or let"
                    + " ferry move it: sentinel: { master-name: NAME, hosts: [...] }");
        }
        return CheckResult.fail("sentinel", watched + ": it would undo ferry's role changes",
                "let ferry move it to b: sentinel: { master-name: NAME, hosts: [\"HOST:PORT\", ...] } in the spec"
                        + " (or SENTINEL REMOVE NAME on each Sentinel yourself and sentinel: { action: ignore })");
    }

    static CheckResult databases(Survey survey) {
        Map<Integer, Long> keys = survey.info(survey.servers().a()).keysPerDb();
        String others = keys.entrySet().stream().filter(e -> e.getKey() != 0 && e.getValue() > 0)
                .map(e -> "db" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return CheckResult.pass("databases", others.isEmpty() ? "a uses db0 only"
                : "a also uses " + others + ": every database is moved and checked");
    }
}
