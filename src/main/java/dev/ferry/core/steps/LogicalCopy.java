package dev.ferry.core.steps;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sync.LogicalSync;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The logical sync's step (sync: { method: logical }): b gets a's keys by SCAN + DUMP/RESTORE, with the change
 * capture subscribed first; the capture keeps running, and copying, up to the cutover's fence.
 */
public final class LogicalCopy implements Step {
    public static final String NAME = "copy b from a (logical)";
    /** How long the first full pass may take; a big keyspace at a low --max-ops needs more. */
    private static final Duration FULL_PASS_LIMIT = Duration.ofHours(24);
    private static final String WIPED = "WIPED";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        String b = ctx.servers().b().label();
        return List.of(
                PlannedCommand.redis("a", "PSUBSCRIBE __keyspace@*__:* (own connection); SET " + heartbeatKey(ctx)
                        + " <n> every 100ms", "capture every change from now on; the heartbeat proves none is missed"),
                PlannedCommand.redis("a", "SET " + LogicalSync.sentinelKey(ctx.spec().name()) + " in every database; GET"
                        + " them every 100ms", "see FLUSHDB, FLUSHALL and SWAPDB (no keyspace event): empty and copy that db again"),
                PlannedCommand.redis("a", "SCAN every database; DUMP + PTTL (pipelined)", "read every key"),
                PlannedCommand.redis(b, "RESTORE key ttl payload REPLACE, or DEL (pipelined)", "write it on " + b),
                PlannedCommand.redis(b, "RESTORE/DEL of every key the capture reports", "copy changed keys again, until the cutover"));
    }

    private static String heartbeatKey(RunContext ctx) {
        return LogicalSync.heartbeatKey(ctx.spec().name());
    }

    /** A scan of a and a copy to b: not while another pair of the fleet is fenced. */
    @Override
    public boolean yieldsToFences() {
        return true;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        wipeIfAsked(ctx);
        LogicalSync sync = LogicalSync.of(ctx);
        sync.awaitFullPass(FULL_PASS_LIMIT, () -> ctx.stop().requested());
        return sync.facts();
    }

    /** Preflight let a non-empty b through only with --force-wipe-target; a resume finds b holding a's keys. */
    private static void wipeIfAsked(RunContext ctx) {
        RedisNode b = ctx.servers().b();
        if (ctx.journal().reached(NAME, WIPED) || b.totalKeys() == 0 || !ctx.options().forceWipeTarget()) {
            return;
        }
        long keys = b.totalKeys();
        ctx.confirm("FLUSHALL on b (" + b.address() + ") erases its " + keys + " keys. Go on?");
        b.callString("FLUSHALL");
        ctx.journal().stepFact(NAME, WIPED, Map.of("erasedKeys", keys));
    }
}
