package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import dev.ferry.core.spec.VerifySpec;
import dev.ferry.core.sync.FollowBack;
import dev.ferry.core.sync.LogicalSync;
import dev.ferry.core.verify.Difference;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.core.verify.VerifyResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares two servers of the run (reads only): b against a before the cutover, so that a b that is not a
 * faithful copy stops the run while nothing is changed yet; c against b after it (a against b when there is no
 * c). Keys still changing are re-checked, so live traffic is no difference.
 */
public final class VerifyStep implements Step {
    public static final String BEFORE = "verify b against a";
    public static final String AFTER = "verify c against b";
    public static final String FOLLOWER = "verify a against b";
    /** The logical sync: how long the comparison waits for b to catch up with a's changes first. */
    private static final java.time.Duration LOGICAL_SETTLE = java.time.Duration.ofSeconds(30);

    private final boolean beforeCutover;
    /** a, as b's replica: an a older than b refuses the commands of b's stream it does not know, silently. */
    private final boolean follower;

    private VerifyStep(boolean beforeCutover) {
        this(beforeCutover, false);
    }

    private VerifyStep(boolean beforeCutover, boolean follower) {
        this.beforeCutover = beforeCutover;
        this.follower = follower;
    }

    /** After the cutover with a backup: a against b too (without c, the after-step already compares them). */
    public static VerifyStep followerAfterCutover() {
        return new VerifyStep(false, true);
    }

    public static VerifyStep beforeCutover() {
        return new VerifyStep(true);
    }

    public static VerifyStep afterCutover() {
        return new VerifyStep(false);
    }

    /** Whether the spec asks for this step at all. */
    public boolean wanted(dev.ferry.core.spec.Spec spec) {
        VerifySpec v = spec.verify();
        if ((beforeCutover ? v.before() : v.after()) == VerifySpec.Mode.OFF) {
            return false;
        }
        if (follower) {
            return spec.backup().isPresent() && spec.after().source() == After.SourceFate.REPLICA;
        }
        return beforeCutover || spec.backup().isPresent() || spec.after().source() == After.SourceFate.REPLICA;
    }

    @Override
    public String name() {
        return beforeCutover ? BEFORE : follower ? FOLLOWER : AFTER;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<RedisNode> pair = pair(ctx);
        String what = mode(ctx) == VerifySpec.Mode.FULL ? "every key"
                : ctx.spec().verify().sample() + " random keys from each side";
        return List.of(PlannedCommand.redis(pair.get(0).label() + "," + pair.get(1).label(),
                "SCAN/RANDOMKEY; INFO keyspace, GETRANGE, PTTL, TYPE, STRLEN, *LEN, DUMP, XINFO GROUPS, *SCAN, LRANGE,"
                        + " XRANGE (reads only)",
                "compare " + what + ": type, value and TTL"));
    }

    /** A scan of both servers: not while another pair of the fleet is fenced. */
    @Override
    public boolean yieldsToFences() {
        return true;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        if (beforeCutover) {
            ctx.canary().start(); // on resume: the lag canary runs up to the cutover fence
        }
        if (follower && FollowBack.heldDetached(ctx.journal(), Cutover.NAME)) {
            return Map.of("skipped", "a was kept detached at the cutover: it does not follow b");
        }
        List<RedisNode> pair = pair(ctx);
        VerifyOptions options = mode(ctx) == VerifySpec.Mode.FULL ? VerifyOptions.full()
                : VerifyOptions.sampled(ctx.spec().verify().sample());
        Optional<LogicalSync> logical = beforeCutover ? ctx.sharedIfPresent(LogicalSync.class) : Optional.empty();
        VerifyResult result = logical.isEmpty() ? compare(ctx, pair, options) : logical.get().compareSettled(
                () -> compare(ctx, pair, options), r -> r.pairs().get(0).matches(), LOGICAL_SETTLE);
        PairResult p = result.pairs().get(0);
        ctx.listener().note(String.format("%s: %d keys compared (%s), %s", p.pair(), p.keys(), p.mode(),
                p.matches() ? "they match" : p.differences() + " differ"));
        if (!p.matches() && divergenceAccepted(ctx)) {
            ctx.warn(p.differences() + " keys differ between " + p.pair() + " after the drain cutover (accepted with "
                    + "--accept-divergence): resync c from b to repair it");
        } else if (!p.matches()) {
            String example = p.shown().stream().findFirst().map(Difference::line).orElse("");
            throw new FerryException(ExitCode.DIFFERENCES, p.differences() + " keys differ between "
                    + p.pair() + " (" + example + "): " + (beforeCutover
                            ? "nothing was changed yet; run ferry verify SPEC --full --mismatches FILE, fix b, then ferry resume"
                            : follower ? "b is master and holds every write; a, its replica, dropped some of b's stream"
                                    + " (an older a refuses commands it does not know): run ferry verify SPEC --full"
                                    + " --mismatches FILE, then detach a (REPLICAOF NO ONE on a) or rebuild it from b"
                            : "b is master now; run ferry verify SPEC --full --mismatches FILE, resync c, then ferry resume"));
        }
        return result.facts();
    }

    private VerifyResult compare(RunContext ctx, List<RedisNode> pair, VerifyOptions options) {
        List<RedisNode> own = List.of(pair.get(0).sibling("verify"), pair.get(1).sibling("verify"));
        try {
            return new Verifier(options, (compared, total) -> ctx.listener().verifyProgress(name(), compared, total))
                    .pacedBy(ctx::yieldToFences).verify(List.of(own));
        } finally {
            own.forEach(RedisNode::close);
        }
    }

    /** The drain mode's b and c differ by design; the operator accepted it and the cutover measured it. */
    private boolean divergenceAccepted(RunContext ctx) {
        return !beforeCutover && ctx.spec().cutover().mode() == dev.ferry.core.spec.CutoverSpec.Mode.DRAIN
                && ctx.options().acceptDivergence();
    }

    private VerifySpec.Mode mode(RunContext ctx) {
        return beforeCutover ? ctx.spec().verify().before() : ctx.spec().verify().after();
    }

    private List<RedisNode> pair(RunContext ctx) {
        if (beforeCutover) {
            return List.of(ctx.servers().a(), ctx.servers().b());
        }
        Optional<RedisNode> c = follower ? Optional.empty() : ctx.servers().c();
        return List.of(ctx.servers().b(), c.orElse(ctx.servers().a()));
    }
}
