package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.preflight.AccessChecks;
import dev.ferry.core.preflight.CapacityChecks;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.preflight.ClockChecks;
import dev.ferry.core.preflight.Guard;
import dev.ferry.core.preflight.ServerConfigChecks;
import dev.ferry.core.preflight.StartChecks;
import dev.ferry.core.preflight.SyncChecks;
import dev.ferry.core.preflight.Survey;
import dev.ferry.core.preflight.TlsChecks;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.redis.ClientInfo;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
import dev.ferry.core.spec.CutoverSpec;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.sync.FollowBack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Read-only checks before anything changes: reachable servers, versions, roles, that b and c are neither a nor
 * each other, that nothing would be wiped without --force-wipe-target, that a can follow b afterwards; then
 * {@link AccessChecks} (commands, logins, ACL), {@link ServerConfigChecks} (modules, persistence, Sentinel...) and
 * {@link CapacityChecks} (memory, output buffer and backlog against a's write rate).
 * A connection failure stops at once (exit 4); everything else is collected so the operator sees it all.
 */
public final class Preflight implements Step {
    public static final String NAME = "preflight";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        for (RedisNode n : ctx.servers().all()) {
            commands.add(PlannedCommand.redis(n.label(), "INFO all (twice on a, 0.5s apart: write rate); CLIENT LIST; COMMAND INFO; CONFIG GET; MODULE LIST; ACL DRYRUN",
                    "read-only checks"));
        }
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        List<CheckResult> results = check(ctx.spec(), ctx.servers(), ctx.trafficSwitch(), ctx.options().forceWipeTarget(),
                ctx.journal().started(SyncFromSource.NAME) || ctx.journal().started(LogicalCopy.NAME));
        results.stream().filter(r -> r.status() == CheckResult.Status.WARN).forEach(r -> ctx.warn(r.oneLine()));
        List<CheckResult> failed = results.stream().filter(CheckResult::failed).toList();
        if (!failed.isEmpty()) {
            throw new FerryException(ExitCode.PREFLIGHT, "preflight failed: " + failed.get(0).oneLine()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more: run ferry preflight SPEC)" : ""));
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        results.forEach(r -> facts.put(r.name(), r.status() + ": " + r.detail()));
        return facts;
    }

    /**
     * Runs every check. {@code resuming} relaxes the emptiness checks: once ferry has started syncing b from a,
     * b's keys are a's, not the operator's.
     */
    public static List<CheckResult> check(Spec spec, Servers servers, TrafficSwitch trafficSwitch, boolean forceWipe,
            boolean resuming) {
        return checks(spec, servers, Optional.of(trafficSwitch), forceWipe, resuming);
    }

    /**
     * The checks of one shard of a cluster move, its spec made by {@code ClusterSpec.shard}: every per-server check
     * of a standalone move (versions, emptiness, access, configs, TLS, memory, buffers, backlog) but the refusal of
     * cluster nodes, the traffic switch (the cluster is the switch) and the hosts' clocks and start checks.
     */
    public static List<CheckResult> shardChecks(Spec spec, Servers servers, boolean resuming) {
        return checks(spec, servers, Optional.empty(), false, resuming);
    }

    private static List<CheckResult> checks(Spec spec, Servers servers, Optional<TrafficSwitch> trafficSwitch,
            boolean forceWipe, boolean resuming) {
        Map<String, Info> info = new LinkedHashMap<>();
        for (RedisNode n : servers.all()) {
            info.put(n.label(), n.infoAll());
        }
        Survey survey = new Survey(spec, servers, info);
        boolean standalone = trafficSwitch.isPresent();
        List<CheckResult> results = new ArrayList<>();
        results.add(versions(servers, info));
        results.add(distinct(servers, info));
        results.add(sourceIsMaster(info.get("a")));
        if (standalone) {
            results.add(clusterMode(info));
        }
        boolean logical = standalone && SyncChecks.resolve(spec, servers).logicalSync();
        results.add(logical ? logicalDowngrade(rdbForward(servers)) : rdbForward(servers));
        results.add(logical ? logicalDowngrade(upgradePath(servers)) : upgradePath(servers));
        if (standalone) {
            results.addAll(SyncChecks.all(spec, servers));
        }
        if (logical) {
            results.addAll(logicalChecks(spec, servers, info, trafficSwitch.get(), forceWipe, resuming));
            return results;
        }
        results.add(rdbBack(spec.after(), spec.cutover().mode(), servers));
        results.add(cutoverMode(spec.cutover(), servers));
        results.add(targetRole(servers, info.get("b")));
        servers.c().ifPresent(c -> results.add(backupRole(servers, info.get("c"))));
        results.add(empty(servers.b(), info.get("b"), forceWipe, resuming || alreadyFollows(info.get("b"), servers.a())));
        servers.c().ifPresent(c -> results.add(empty(c, info.get("c"), forceWipe,
                resuming || alreadyFollows(info.get("c"), servers.b()))));
        results.addAll(AccessChecks.all(survey));
        results.add(Guard.check("one run at a time", () -> otherRuns(servers)));
        trafficSwitch.ifPresent(ts -> results.add(switchReady(ts)));
        if (standalone) {
            results.addAll(StartChecks.all(spec));
        }
        results.addAll(ServerConfigChecks.all(survey));
        results.add(Guard.check("tls replication", () -> TlsChecks.replication(survey)));
        if (standalone) {
            results.add(ClockChecks.check(spec));
        }
        results.addAll(CapacityChecks.all(survey));
        return results;
    }

    /**
     * The checks of a logical move beyond {@link SyncChecks}: a refuses CONFIG (that is why the move is logical), so
     * the checks that read a's config (access, server config, capacity, TLS replication) are left out.
     */
    private static List<CheckResult> logicalChecks(Spec spec, Servers servers, Map<String, Info> info,
            TrafficSwitch trafficSwitch, boolean forceWipe, boolean resuming) {
        List<CheckResult> results = new ArrayList<>();
        results.add(targetRole(servers, info.get("b")));
        servers.c().ifPresent(c -> results.add(backupRole(servers, info.get("c"))));
        results.add(empty(servers.b(), info.get("b"), forceWipe, resuming));
        servers.c().ifPresent(c -> results.add(empty(c, info.get("c"), forceWipe,
                resuming || alreadyFollows(info.get("c"), servers.b()))));
        results.add(Guard.check("one run at a time", () -> otherRuns(servers)));
        results.add(switchReady(trafficSwitch));
        results.addAll(StartChecks.all(spec));
        results.add(ClockChecks.check(spec));
        return results;
    }

    private static CheckResult versions(Servers servers, Map<String, Info> info) {
        String detail = servers.all().stream().map(n -> n.label() + "=" + n.version()).collect(Collectors.joining(", "));
        return CheckResult.pass("versions", detail);
    }

    private static CheckResult distinct(Servers servers, Map<String, Info> info) {
        Map<String, String> byRunId = new LinkedHashMap<>();
        for (RedisNode n : servers.all()) {
            String runId = info.get(n.label()).get("run_id", "");
            String other = byRunId.putIfAbsent(runId, n.label());
            if (other != null) {
                return CheckResult.fail("distinct servers", other + " and " + n.label() + " are the same server (run_id "
                        + runId.substring(0, Math.min(8, runId.length())) + ")",
                        "point source, target and backup at three different servers");
            }
        }
        return CheckResult.pass("distinct servers", "a, b" + (servers.c().isPresent() ? ", c" : "") + " are different servers");
    }

    private static CheckResult sourceIsMaster(Info a) {
        ReplicationState state = ReplicationState.of(a);
        if (!state.isMaster()) {
            return CheckResult.fail("a is master", "a is a replica of " + state.masterHost() + ":" + state.masterPort(),
                    "set source to the current master");
        }
        return CheckResult.pass("a is master", "a is master with " + state.connectedReplicas() + " replica(s)");
    }

    private static CheckResult clusterMode(Map<String, Info> info) {
        for (Map.Entry<String, Info> e : info.entrySet()) {
            if ("1".equals(e.getValue().get("cluster_enabled"))) {
                return CheckResult.fail("cluster mode", e.getKey() + " runs in cluster mode",
                        "a standalone spec moves one master; for a Redis Cluster write a cluster spec (cluster: { seeds,"
                                + " moves }, see docs/cluster.md)");
            }
        }
        return CheckResult.pass("cluster mode", "standalone servers");
    }

    /**
     * The logical sync copies by type what b cannot RESTORE, so an older b is no failure there: a warning (slower,
     * and a's clients may use commands b lacks). c follows b by replication: that check stays a failure.
     */
    private static CheckResult logicalDowngrade(CheckResult r) {
        if (r.status() != CheckResult.Status.FAIL || r.detail().startsWith("c (")) {
            return r;
        }
        return CheckResult.warn(r.name(), r.detail() + "; the logical sync copies by type what b cannot RESTORE (slower than"
                + " DUMP/RESTORE)", "check that a's clients use no command b lacks");
    }

    private static CheckResult rdbForward(Servers servers) {
        RedisVersion a = servers.a().version();
        RedisVersion b = servers.b().version();
        if (!b.canLoadRdbOf(a)) {
            return CheckResult.fail("b can load a's data", "b (" + b + ", RDB " + b.rdbVersion() + ") cannot load a's RDB "
                    + a.rdbVersion() + " (" + a + ")", "run b on a version not older than a");
        }
        Optional<RedisNode> c = servers.c();
        if (c.isPresent() && !c.get().version().canLoadRdbOf(b)) {
            return CheckResult.fail("b can load a's data", "c (" + c.get().version() + ") cannot load b's RDB " + b.rdbVersion(),
                    "run c on b's version");
        }
        return CheckResult.pass("b can load a's data", "RDB " + a.rdbVersion() + " -> " + b.rdbVersion());
    }

    /** Preflight names the path the versions allow and why: partial resync only, either resync, or none. */
    private static CheckResult rdbBack(After after, CutoverSpec.Mode mode, Servers servers) {
        FollowBack.Decision path = FollowBack.decide("a", servers.a().version(), "b", servers.b().version());
        if (after.source() != After.SourceFate.REPLICA) {
            return CheckResult.pass("a can follow b", "a will be detached and stay fenced (" + path.why() + ")");
        }
        if (!path.allowed()) {
            return CheckResult.fail("a can follow b", path.why(), "set after: { source: detach } (a keeps its data, fenced)");
        }
        if (path.path() == FollowBack.Path.PARTIAL_ONLY && mode == CutoverSpec.Mode.FAILOVER) {
            return CheckResult.warn("a can follow b", path.why().replace(" (checked before REPLICAOF, confirmed after)", "")
                    + "; but FAILOVER demotes a itself, so ferry cannot check the conditions in between: it sets"
                    + " repl-diskless-load swapdb on a first, and a full resync would leave a with its old data, retrying",
                    "prefer cutover: { mode: pause }, which checks them and keeps a detached if they fail");
        }
        return CheckResult.pass("a can follow b", path.why());
    }

    /** b older than a, by version and not only by RDB format, is a downgrade: commands a's clients use may be missing. */
    static CheckResult upgradePath(Servers servers) {
        RedisNode a = servers.a();
        RedisNode b = servers.b();
        RedisVersion av = a.version();
        RedisVersion bv = b.version();
        if (bv.olderLineThan(av) && samePatchLine(av, bv)) {
            return CheckResult.warn("upgrade path", "b (" + bv + ") is an older patch release than a (" + av + ")",
                    "prefer b on a's patch release or newer: the same commands and RDB format, but older fixes");
        }
        if (bv.olderLineThan(av)) {
            return CheckResult.fail("upgrade path", "b (" + b.version() + ") is older than a (" + a.version()
                    + "): a downgrade; b may lack commands and encodings a's clients and data use, and replicas"
                    + " refuse them silently", "run b on a version not older than a's");
        }
        String kind = a.version().olderLineThan(b.version()) ? "upgrade" : "same version";
        return CheckResult.pass("upgrade path", kind + ": a " + a.version() + " -> b " + b.version());
    }

    private static boolean samePatchLine(RedisVersion a, RedisVersion b) {
        return a.major() == b.major() && a.minor() == b.minor() && a.forkVersion().isEmpty() && b.forkVersion().isEmpty();
    }

    private static CheckResult cutoverMode(CutoverSpec cutover, Servers servers) {
        RedisNode a = servers.a();
        return switch (cutover.mode()) {
            case PAUSE -> CheckResult.pass("cutover mode", "pause, max " + cutover.maxPause().toMillis() + "ms, "
                    + (a.version().hasPauseWrite() ? "CLIENT PAUSE WRITE + min-replicas-to-write fence"
                            : "maxclients fence with a's clients closed (a is older than 6.2)"));
            case FAILOVER -> failoverMode(cutover, servers);
            case DRAIN -> CheckResult.warn("cutover mode", "drain (the seed's writable replica): no pause, but writes on b "
                    + "before its promotion never reach c and writes on a after it are lost", "prefer mode: pause");
        };
    }

    private static CheckResult failoverMode(CutoverSpec cutover, Servers servers) {
        for (RedisNode n : List.of(servers.a(), servers.b())) {
            if (!n.version().hasPauseWrite()) {
                return CheckResult.fail("cutover mode", "mode failover needs Redis 6.2+ on a and b (" + n.label() + " is "
                        + n.version() + ")", "use cutover: { mode: pause }, which works down to 3.0");
            }
        }
        return CheckResult.pass("cutover mode", "failover (Redis FAILOVER TO b, TIMEOUT " + cutover.maxPause().toMillis() + "ms)");
    }

    private static CheckResult targetRole(Servers servers, Info b) {
        ReplicationState state = ReplicationState.of(b);
        CheckResult role = replicaToBe("b", "target", state, servers.a());
        if (!role.failed() && state.connectedReplicas() > 0 && !servers.c().isPresent()) {
            return CheckResult.warn("b's role", "b has " + state.connectedReplicas() + " replica(s) of its own", "they will follow b");
        }
        return role;
    }

    private static CheckResult backupRole(Servers servers, Info c) {
        return replicaToBe("c", "backup", ReplicationState.of(c), servers.b());
    }

    /** A server ferry will make a replica of {@code master}: a master, or already its replica, not another's. */
    private static CheckResult replicaToBe(String label, String specKey, ReplicationState state, RedisNode master) {
        String name = label + "'s role";
        String m = master.label();
        if (state.isReplica() && !state.replicatesFrom(master.host(), master.port())) {
            return CheckResult.fail(name, label + " replicates from " + state.masterHost() + ":" + state.masterPort() + ", not from " + m,
                    "detach " + label + " first (REPLICAOF NO ONE) or fix " + specKey + " in the spec");
        }
        return CheckResult.pass(name, state.isReplica() ? label + " already replicates from " + m : label + " is a master, ready to follow " + m);
    }

    private static boolean alreadyFollows(Info info, RedisNode master) {
        return ReplicationState.of(info).replicatesFrom(master.host(), master.port());
    }

    private static CheckResult empty(RedisNode n, Info info, boolean forceWipe, boolean dataIsOurs) {
        Map<Integer, Long> keys = info.keysPerDb();
        long total = keys.values().stream().mapToLong(Long::longValue).sum();
        String name = n.label() + " is empty";
        if (total == 0 || dataIsOurs) {
            return CheckResult.pass(name, total == 0 ? n.label() + " holds no key" : n.label() + " holds a copy of its master");
        }
        String where = keys.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> "db" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        if (forceWipe) {
            return CheckResult.warn(name, n.label() + " holds " + total + " keys (" + where + ") that will be erased",
                    "--force-wipe-target was given");
        }
        return CheckResult.fail(name, n.label() + " (" + n.address() + ") holds " + total + " keys (" + where + ")",
                "replication would erase them: empty it, or pass --force-wipe-target to erase them");
    }

    /** Another ferry connected to any of the servers (other machines' runs too): used by preflight and by resume. */
    public static CheckResult otherRuns(Servers servers) {
        for (RedisNode n : servers.all()) {
            for (ClientInfo client : clientsIfReachable(n)) {
                String name = client.name();
                if (name.startsWith(RedisNode.CLIENT_NAME_PREFIX) && !name.startsWith(servers.clientName())) {
                    return CheckResult.fail("one run at a time", "another ferry (" + name + " from " + client.addr()
                            + ") is connected to " + n.label(), "wait for that run to finish, or stop it");
                }
            }
        }
        return CheckResult.pass("one run at a time", "no other ferry is connected");
    }

    /**
     * A server that admits nobody (an old a behind its closed-door fence after a crash) has no other ferry
     * connected either; the step that needs it says what to do.
     */
    private static List<ClientInfo> clientsIfReachable(RedisNode n) {
        try {
            return n.clients();
        } catch (FerryException unreachable) {
            return List.of();
        }
    }

    private static CheckResult switchReady(TrafficSwitch trafficSwitch) {
        List<String> problems = trafficSwitch.preflight();
        if (!problems.isEmpty()) {
            return CheckResult.fail("switch", String.join("; ", problems), "");
        }
        List<String> warnings = trafficSwitch.warnings();
        if (!warnings.isEmpty()) {
            return CheckResult.warn("switch", String.join("; ", warnings), "");
        }
        return CheckResult.pass("switch", trafficSwitch.describe());
    }
}
