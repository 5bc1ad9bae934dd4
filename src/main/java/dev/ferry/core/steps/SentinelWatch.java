package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sentinel.Sentinels;
import dev.ferry.core.spec.Credentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Once b is master and a follows it, every listed Sentinel monitors b under the old name with the settings
 * {@link SentinelForget} journaled; it finds a and c as b's replicas by itself. With a password on b, the
 * Sentinels get it as auth-pass (sent to them only, never journaled). {@link #rollback()} is the mirror: once a is
 * master again, the Sentinels monitor a.
 */
public final class SentinelWatch implements Step {
    public static final String NAME = "sentinel watches b";

    private final String server;
    private final List<String> settingsFrom;
    private final String retry;

    public SentinelWatch() {
        this("b", List.of(SentinelForget.NAME), "ferry resume");
    }

    /**
     * @param server       the label of the server the Sentinels monitor
     * @param settingsFrom the steps whose journaled settings it copies, first found first
     * @param retry        the command that carries on once the operator fixed a Sentinel by hand
     */
    private SentinelWatch(String server, List<String> settingsFrom, String retry) {
        this.server = server;
        this.settingsFrom = List.copyOf(settingsFrom);
        this.retry = retry;
    }

    /** Rollback after the cutover: a with the settings the Sentinels had for b, or else for a before the move. */
    public static SentinelWatch rollback() {
        return new SentinelWatch("a", List.of(SentinelForget.rollback().name(), SentinelForget.NAME), "ferry rollback");
    }

    @Override
    public String name() {
        return "sentinel watches " + server;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        RedisNode watched = ctx.servers().byLabel(server);
        try (Sentinels sentinels = Sentinels.of(ctx.spec(), ctx.servers())) {
            return sentinels.plan("SENTINEL MONITOR NAME " + watched.host() + " " + watched.port()
                    + " <the quorum they had>", "SENTINEL SET NAME <the timeouts they had>"
                    + (watched.credentials().isPresent() ? " auth-pass ***" : ""));
        }
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode watched = ctx.servers().byLabel(server);
        return Sentinels.forEach(ctx, (sentinels, sentinel) -> watch(ctx, sentinels, sentinel, watched));
    }

    /**
     * After a cutover that aborted (a still master), the Sentinels {@link SentinelForget} cleared watch a again.
     * Returns what happened, for the abort message; never throws, the abort itself matters more.
     */
    public static String rewatchA(RunContext ctx) {
        if (!ctx.journal().completed(SentinelForget.NAME)) {
            return "";
        }
        SentinelWatch watchA = new SentinelWatch("a", List.of(SentinelForget.NAME), "ferry resume");
        try {
            watchA.run(ctx);
            return "; the Sentinels monitor a again";
        } catch (RuntimeException e) {
            return "; the Sentinels no longer monitor a (" + e.getMessage() + "): SENTINEL MONITOR it again by hand";
        }
    }

    private String watch(RunContext ctx, Sentinels sentinels, RedisNode sentinel, RedisNode watched) {
        Optional<Map<String, String>> master = sentinels.master(sentinel);
        if (master.isPresent()) {
            if (Sentinels.pointsAt(master.get(), watched)) {
                return "monitors " + watched.label() + " already"; // done before a crash
            }
            throw new FerryException(ExitCode.INCOMPLETE, sentinel.label() + " monitors " + sentinels.masterName()
                    + " at " + Sentinels.address(master.get()) + " again, not " + watched.label() + " ("
                    + watched.address() + "): SENTINEL REMOVE " + sentinels.masterName() + " there, then " + retry);
        }
        Map<String, String> settings = settings(ctx, sentinel, sentinels.nodes().size());
        sentinel.callString("SENTINEL", "MONITOR", sentinels.masterName(), watched.host(),
                Integer.toString(watched.port()), settings.remove("quorum"));
        List<String> set = new ArrayList<>(List.of("SET", sentinels.masterName()));
        settings.forEach((key, value) -> set.addAll(List.of(key, value)));
        if (set.size() > 2) {
            sentinel.callString("SENTINEL", set.toArray(String[]::new));
        }
        watched.credentials().ifPresent(credentials -> setAuth(sentinel, sentinels.masterName(), credentials,
                watched));
        return "monitors " + sentinels.masterName() + " at " + watched.label() + " " + watched.address() + " "
                + settings;
    }

    /** What the Sentinel had before it forgot; a majority quorum and its own defaults if nothing was recorded. */
    @SuppressWarnings("unchecked")
    private Map<String, String> settings(RunContext ctx, RedisNode sentinel, int sentinels) {
        Map<String, String> settings = new LinkedHashMap<>();
        Object recorded = settingsFrom.stream()
                .map(step -> ctx.journal().facts(step).get(SentinelForget.settingsKey(sentinel)))
                .filter(Objects::nonNull).findFirst().orElse(null);
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
    private void setAuth(RedisNode sentinel, String name, Credentials credentials, RedisNode master) {
        List<String> set = new ArrayList<>(List.of("SET", name));
        credentials.username().ifPresent(user -> set.addAll(List.of("auth-user", user)));
        set.addAll(List.of("auth-pass", credentials.password()));
        try {
            sentinel.callString("SENTINEL", set.toArray(String[]::new));
        } catch (RedisError e) {
            throw new FerryException(ExitCode.INCOMPLETE, sentinel.label() + " refused SENTINEL SET " + name
                    + " auth-pass (its reply is not shown: it may quote the password): set it by hand so the"
                    + " Sentinel can log in to " + master.label() + ", then " + retry);
        }
    }
}
