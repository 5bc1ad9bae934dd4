package dev.ferry.core.preflight;

import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import dev.ferry.core.spec.CutoverSpec;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SyncSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sync method and what it needs: the capability probe ({@link CommandProbe}) on a and b, {@code auto}
 * resolved (replication where a allows SYNC/PSYNC, REPLICAOF and CONFIG, logical where it does not), and for
 * the logical copy a's keyspace notifications ({@link NotificationProbe}), {@code after: detach}, the pause mode,
 * and the fence a allows: a timed {@code CLIENT PAUSE WRITE} only, when CONFIG is refused.
 */
public final class SyncChecks {
    /** What the logical capture needs in notify-keyspace-events: keyspace channels, every event class. */
    public static final String NOTIFY_VALUE = "KEA";
    public static final String TIMED_FENCE_FLAG = "--accept-timed-fence";

    private SyncChecks() {
    }

    /** The method {@code auto} resolves to on these servers, and why. */
    public record Choice(SyncSpec.Method method, String why) {
    }

    /** The spec with {@code auto} resolved by probing a (and b); a forced method stays as it is. */
    public static Spec resolve(Spec spec, Servers servers) {
        return spec.sync().method() == SyncSpec.Method.AUTO ? spec.withSyncMethod(choose(servers).method()) : spec;
    }

    public static Choice choose(Servers servers) {
        List<String> aRefuses = CommandProbe.refused(CommandProbe.probe(servers.a(), CommandProbe.REPLICATION));
        List<String> bRefuses = CommandProbe.refused(CommandProbe.probe(servers.b(), List.of("REPLICAOF", "SLAVEOF")));
        boolean aReplicates = !(aRefuses.contains("SYNC") && aRefuses.contains("PSYNC")) && !aRefuses.contains("CONFIG");
        boolean bFollows = bRefuses.size() < 2;
        if (aReplicates && bFollows) {
            return new Choice(SyncSpec.Method.REPLICATION, "a allows PSYNC and CONFIG"
                    + (aRefuses.isEmpty() ? "" : " (refuses " + String.join(", ", aRefuses) + ")"));
        }
        return new Choice(SyncSpec.Method.LOGICAL, (aReplicates ? "" : "a refuses " + String.join(", ", aRefuses))
                + (bFollows ? "" : (aReplicates ? "" : "; ") + "b refuses REPLICAOF and SLAVEOF"));
    }

    /** The checks of the sync method in {@code spec} (resolved or not): what it needs, with the fix for each gap. */
    public static List<CheckResult> all(Spec spec, Servers servers) {
        List<CheckResult> results = new ArrayList<>();
        Choice choice = choose(servers);
        SyncSpec.Method method = spec.sync().method() == SyncSpec.Method.AUTO ? choice.method() : spec.sync().method();
        results.add(method(spec.sync().method(), method, choice));
        if (method != SyncSpec.Method.LOGICAL) {
            return results;
        }
        results.add(Guard.check("logical commands", () -> logicalCommands(servers.a())));
        results.add(Guard.check("keyspace notifications", () -> NotificationProbe.check(servers.a(), spec.name())));
        results.add(Guard.check("fence", () -> fence(servers.a(), spec)));
        results.add(after(spec.after()));
        mode(spec.cutover()).ifPresent(results::add);
        return results;
    }

    private static CheckResult method(SyncSpec.Method asked, SyncSpec.Method used, Choice choice) {
        if (asked == SyncSpec.Method.REPLICATION && choice.method() == SyncSpec.Method.LOGICAL) {
            return CheckResult.fail("sync method", "replication, but " + choice.why(),
                    "set sync: { method: logical } (or auto) for a source that refuses replication");
        }
        String how = asked == SyncSpec.Method.AUTO ? "auto picked " + used + ": " : used + " (probe: ";
        return CheckResult.pass("sync method", how + choice.why() + (asked == SyncSpec.Method.AUTO ? "" : ")"));
    }

    private static CheckResult logicalCommands(RedisNode a) {
        List<String> refused = CommandProbe.refused(CommandProbe.probe(a, CommandProbe.LOGICAL));
        if (!refused.isEmpty()) {
            return CheckResult.fail("logical commands", "a refuses " + String.join(", ", refused)
                    + ", which the logical copy needs", "allow them for ferry's user, or map renamed ones in rename:");
        }
        return CheckResult.pass("logical commands", "a allows " + String.join(", ", CommandProbe.LOGICAL));
    }

    /**
     * Where a allows CONFIG, {@code min-replicas-to-write} could outlive ferry; the logical cutover still uses the
     * timed pause only (a has no replica to count), so every logical move needs the explicit flag.
     */
    private static CheckResult fence(RedisNode a, Spec spec) {
        if (!a.version().hasPauseWrite()) {
            return CheckResult.fail("fence", "a (" + a.version() + ") has no CLIENT PAUSE WRITE (Redis 6.2+): no fence"
                    + " is possible, so writes acknowledged on a during the switch could be lost",
                    "move a to Redis 6.2+ first, or stop the writers yourself");
        }
        long ms = spec.cutover().maxPause().toMillis();
        return CheckResult.warn("fence", "only a timed fence: CLIENT PAUSE " + ms + " WRITE (a refuses CONFIG, so"
                + " min-replicas-to-write cannot keep it refusing writes; the pause ends with its timeout even if ferry"
                + " dies)", "ferry run refuses to start without " + TIMED_FENCE_FLAG + ", which accepts that");
    }

    private static CheckResult after(After after) {
        if (after.source() != After.SourceFate.DETACH) {
            return CheckResult.fail("a after the move", "the logical copy cannot make a follow b (a refuses replication)",
                    "set after: { source: detach }");
        }
        return CheckResult.pass("a after the move", "a is detached and held by the pause");
    }

    /** The logical cutover runs in pause mode only: failover and drain need replication. */
    private static Optional<CheckResult> mode(CutoverSpec cutover) {
        if (cutover.mode() != CutoverSpec.Mode.PAUSE) {
            return Optional.of(CheckResult.fail("cutover mode", "mode " + cutover.mode() + " needs b to replicate from a",
                    "set cutover: { mode: pause } for the logical sync"));
        }
        return Optional.empty();
    }
}
