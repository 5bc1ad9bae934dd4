package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sentinel.Sentinels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Right before the cutover, every listed Sentinel forgets a ({@code SENTINEL REMOVE}): from then on none of them
 * can answer b's promotion by pointing b back at a, or a's demotion by a failover. Its settings are journaled
 * first, so that {@link SentinelWatch} can monitor b with the same quorum and timeouts, after a crash too.
 * {@link #rollback()} is the mirror: the Sentinels forget b before ferry switches back to a.
 */
public final class SentinelForget implements Step {
    public static final String NAME = "sentinel forgets a";
    static final List<String> SETTINGS = List.of("quorum", "down-after-milliseconds", "failover-timeout",
            "parallel-syncs");

    private final String server;
    private final Optional<String> movedTo;

    public SentinelForget() {
        this("a", Optional.empty());
    }

    /**
     * @param server  the label of the server the Sentinels forget
     * @param movedTo the label of a server that, when a Sentinel monitors it already, shows an earlier attempt
     *                finished with that Sentinel (a re-run rollback); empty: any other server is an error
     */
    private SentinelForget(String server, Optional<String> movedTo) {
        this.server = server;
        this.movedTo = movedTo;
    }

    /** Rollback after the cutover: the Sentinels forget b; one that monitors a again is done already. */
    public static SentinelForget rollback() {
        return new SentinelForget("b", Optional.of("a"));
    }

    @Override
    public String name() {
        return "sentinel forgets " + server;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        try (Sentinels sentinels = Sentinels.of(ctx.spec(), ctx.servers())) {
            return sentinels.plan("SENTINEL MASTER NAME (settings journaled)", "SENTINEL REMOVE NAME");
        }
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        return Sentinels.forEach(ctx, (sentinels, sentinel) -> forget(ctx, sentinels, sentinel));
    }

    /** Where the settings of one Sentinel are journaled (apart from the step's result under its label). */
    static String settingsKey(RedisNode sentinel) {
        return "settings of " + sentinel.label();
    }

    private String forget(RunContext ctx, Sentinels sentinels, RedisNode sentinel) {
        Optional<Map<String, String>> master = sentinels.master(sentinel);
        if (master.isEmpty()) {
            return "does not monitor " + sentinels.masterName(); // removed before a crash, or by the operator
        }
        Optional<RedisNode> done = movedTo.map(ctx.servers()::byLabel);
        if (done.isPresent() && Sentinels.pointsAt(master.get(), done.get())) {
            return "monitors " + sentinels.masterName() + " at " + done.get().label() + " already";
        }
        RedisNode forgotten = ctx.servers().byLabel(server);
        if (!Sentinels.pointsAt(master.get(), forgotten)) {
            throw new FerryException(ExitCode.PREFLIGHT, sentinel.label() + " monitors " + sentinels.masterName()
                    + " at " + Sentinels.address(master.get()) + ", not " + server + " (" + forgotten.address()
                    + "): fix sentinel.master-name in the spec, or SENTINEL REMOVE " + sentinels.masterName()
                    + " there first");
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        SETTINGS.forEach(key -> settings.put(key, master.get().getOrDefault(key, "")));
        ctx.journal().stepFact(name(), "SETTINGS", Map.of(settingsKey(sentinel), settings));
        sentinel.callString("SENTINEL", "REMOVE", sentinels.masterName());
        return "removed " + sentinels.masterName() + " " + settings;
    }
}
