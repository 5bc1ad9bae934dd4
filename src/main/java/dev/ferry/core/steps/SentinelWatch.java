package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.plan.PlannedCommand;
import dev.ferry.core.plan.RunContext;
import dev.ferry.core.plan.Step;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Credentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Once b is master and a follows it, every listed Sentinel monitors b under the old name with the settings
 * {@link SentinelForget} journaled; it finds a and c as b's replicas by itself. With a password on b, the
 * Sentinels get it as auth-pass (sent to them only, never journaled).
 */
public final class SentinelWatch implements Step {
    public static final String NAME = "sentinel watches b";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        try (Sentinels sentinels = Sentinels.of(ctx.spec(), ctx.servers().clientName())) {
            return sentinels.plan("SENTINEL MONITOR NAME " + ctx.servers().b().host() + " "
                    + ctx.servers().b().port() + " <a's quorum>", "SENTINEL SET NAME <a's timeouts>"
                    + (ctx.servers().b().credentials().isPresent() ? " auth-pass ***" : ""));
        }
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        return Sentinels.forEach(ctx, (sentinels, sentinel) -> watch(ctx, sentinels, sentinel, ctx.servers().b()));
    }

    /**
     * After a cutover that aborted (a still master), the Sentinels {@link SentinelForget} cleared watch a again.
     * Returns what happened, for the abort message; never throws, the abort itself matters more.
     */
    public static String rewatchA(RunContext ctx) {
        if (!ctx.journal().completed(SentinelForget.NAME)) {
            return "";
        }
        try {
            Sentinels.forEach(ctx, (sentinels, sentinel) -> watch(ctx, sentinels, sentinel, ctx.servers().a()));
            return "; the Sentinels monitor a again";
        } catch (RuntimeException e) {
            return "; the Sentinels no longer monitor a (" + e.getMessage() + "): SENTINEL MONITOR it again by hand";
        }
    }

    private static String watch(RunContext ctx, Sentinels sentinels, RedisNode sentinel, RedisNode b) {
        Optional<Map<String, String>> master = sentinels.master(sentinel);
        if (master.isPresent()) {
            if (Sentinels.pointsAt(master.get(), b)) {
                return "monitors " + b.label() + " already"; // done before a crash
            }
            throw new FerryException(ExitCode.INCOMPLETE, sentinel.label() + " monitors " + sentinels.masterName()
                    + " at " + Sentinels.address(master.get()) + " again, not " + b.label() + " (" + b.address()
                    + "): SENTINEL REMOVE " + sentinels.masterName() + " there, then ferry resume");
        }
        Map<String, String> settings = settings(ctx, sentinel, sentinels.nodes().size());
        sentinel.callString("SENTINEL", "MONITOR", sentinels.masterName(), b.host(), Integer.toString(b.port()),
                settings.remove("quorum"));
        List<String> set = new ArrayList<>(List.of("SET", sentinels.masterName()));
        settings.forEach((key, value) -> set.addAll(List.of(key, value)));
        if (set.size() > 2) {
            sentinel.callString("SENTINEL", set.toArray(String[]::new));
        }
        b.credentials().ifPresent(credentials -> setAuth(sentinel, sentinels.masterName(), credentials, b));
        return "monitors " + sentinels.masterName() + " at " + b.label() + " " + b.address() + " " + settings;
    }

    /** What the Sentinel had for a; a majority quorum and its own defaults if a was never recorded. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> settings(RunContext ctx, RedisNode sentinel, int sentinels) {
        Map<String, String> settings = new LinkedHashMap<>();
        Object recorded = ctx.journal().facts(SentinelForget.NAME).get(SentinelForget.settingsKey(sentinel));
        if (recorded instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((key, value) -> {
                if (SentinelForget.SETTINGS.contains(key) && !String.valueOf(value).isEmpty()) {
                    settings.put(key, String.valueOf(value));
                }
            });
        }
        settings.putIfAbsent("quorum", Integer.toString(sentinels / 2 + 1));
        return settings;
    }

    /** Alone, so that an error reply (which may quote the arguments) is never shown: it could hold the password. */
    private static void setAuth(RedisNode sentinel, String name, Credentials credentials, RedisNode master) {
        List<String> set = new ArrayList<>(List.of("SET", name));
        credentials.username().ifPresent(user -> set.addAll(List.of("auth-user", user)));
        set.addAll(List.of("auth-pass", credentials.password()));
        try {
            sentinel.callString("SENTINEL", set.toArray(String[]::new));
        } catch (RedisError e) {
            throw new FerryException(ExitCode.INCOMPLETE, sentinel.label() + " refused SENTINEL SET " + name
                    + " auth-pass (its reply is not shown: it may quote the password): set it by hand so the"
                    + " Sentinel can log in to " + master.label() + ", then ferry resume");
        }
    }
}
