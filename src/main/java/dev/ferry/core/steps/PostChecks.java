package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.ConfigChange;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.After;
import dev.ferry.core.sync.FollowBack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The end state, checked live: b master, c and (after: replica) a following b, c kept its data, no fence left. */
public final class PostChecks implements Step {
    public static final String NAME = "post-checks";
    private static final Duration LINK_WAIT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        ctx.servers().all().forEach(n -> commands.add(PlannedCommand.redis(n.label(), "ROLE; INFO replication", "check the new roles")));
        commands.add(PlannedCommand.redis("b", "DEL " + Milestone.markerKey(ctx.spec().name()), "remove ferry's marker"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        RedisNode b = ctx.servers().b();
        Map<String, Object> facts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        ReplicationState bs = b.replication();
        facts.put("b", bs.role());
        if (!bs.isMaster()) {
            problems.add("b is " + bs.role() + ", not master");
        }
        ReplicationState as = a.replication();
        facts.put("a", as.isReplica() ? "replica of " + as.masterHost() + ":" + as.masterPort() : as.role());
        if (ctx.spec().after().source() == After.SourceFate.REPLICA && !as.replicatesFrom(b.host(), b.port())
                && !FollowBack.heldDetached(ctx.journal(), Cutover.NAME)) {
            problems.add("a does not replicate from b");
        }
        ctx.servers().c().ifPresent(c -> checkBackup(ctx, c, facts, problems));
        b.callLong("DEL", Milestone.markerKey(ctx.spec().name()));
        List<ConfigChange> pending = ctx.ledger().pending();
        if (!pending.isEmpty()) {
            problems.add("config changes not restored: " + pending);
        }
        if (!problems.isEmpty()) {
            throw new FerryException(ExitCode.INCOMPLETE, "post-checks failed: " + String.join("; ", problems)
                    + ": b is master; fix these, then run ferry resume");
        }
        return facts;
    }

    private static void checkBackup(RunContext ctx, RedisNode c, Map<String, Object> facts, List<String> problems) {
        RedisNode b = ctx.servers().b();
        ReplicationState cs = awaitLink(ctx, c);
        facts.put("c", cs.isReplica() ? "replica of " + cs.masterHost() + ":" + cs.masterPort() + (cs.linkUp() ? ", link up" : ", link down") : cs.role());
        if (!cs.replicatesFrom(b.host(), b.port())) {
            problems.add("c does not replicate from b");
        } else if (!cs.linkUp()) {
            problems.add("c's link to b is down");
        }
        facts.put("cResync", backupResync(ctx, b));
    }

    /**
     * Whether c had to do a full resync when b was promoted, from b's sync counters since c was chained: a
     * promoted replica drops its own replicas, which then resync partially (PSYNC2, 4.0+). The only other sync
     * b serves is a's (after: replica), so a full sync count of zero proves c kept its data.
     */
    private static String backupResync(RunContext ctx, RedisNode b) {
        Map<String, Object> chain = ctx.journal().facts(ChainBackup.NAME);
        Info stats = b.info("stats");
        long full = stats.getLong("sync_full", 0) - number(chain.get("bSyncFull"));
        long partial = stats.getLong("sync_partial_ok", 0) - number(chain.get("bSyncPartialOk"));
        boolean aFollows = ctx.spec().after().source() == After.SourceFate.REPLICA;
        if (full == 0) {
            return partial == 0 ? "none" : "partial only (no full resync)";
        }
        if (aFollows && full == 1 && partial >= 1) {
            return "no full resync of c likely (1 full sync served, a's or c's; " + partial + " partial)";
        }
        ctx.warn("c may have done a full resync from b (b served " + full + " full and " + partial + " partial syncs)");
        return "full (" + full + " full syncs served by b)";
    }

    /** A promoted b drops its replicas once (before 6.2 at least): give c a moment to reconnect. */
    private static ReplicationState awaitLink(RunContext ctx, RedisNode c) {
        long deadline = ctx.nanos() + LINK_WAIT.toNanos();
        ReplicationState cs = c.replication();
        while (cs.isReplica() && !cs.linkUp() && ctx.nanos() < deadline) {
            ctx.sleep(Duration.ofMillis(100));
            cs = c.replication();
        }
        return cs;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
