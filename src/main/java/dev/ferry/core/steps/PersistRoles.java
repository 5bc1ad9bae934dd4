package dev.ferry.core.steps;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the new roles into each server's config file (CONFIG REWRITE); otherwise a restarted a or c comes
 * back as a master. A server started without a config file cannot be rewritten: the operator is warned.
 */
public final class PersistRoles implements Step {
    public static final String NAME = "persist roles";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        ctx.servers().all().forEach(n -> commands.add(PlannedCommand.redis(n.label(), "CONFIG REWRITE",
                "keep the new role across a restart (when the server runs from a config file)")));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (RedisNode n : ctx.servers().all()) {
            // the logical sync never changed a's role, and a refuses CONFIG there
            facts.put(n.label(), ctx.spec().logicalSync() && n == ctx.servers().a() ? "unchanged (logical sync)" : persist(ctx, n));
        }
        return facts;
    }

    private static String persist(RunContext ctx, RedisNode n) {
        String configFile = n.info("server").get("config_file", "");
        if (configFile.isEmpty()) {
            ctx.warn(n.label() + " (" + n.address() + ") runs without a config file: after a restart it forgets its new role ("
                    + n.replication().role() + "): set it in its configuration by hand");
            return "not persisted: no config file";
        }
        try {
            n.callString("CONFIG", "REWRITE");
            return "rewritten " + configFile;
        } catch (RedisError e) {
            ctx.warn(n.label() + ": CONFIG REWRITE of " + configFile + " failed (" + e.reply()
                    + "): persist its role by hand");
            return "not persisted: " + e.reply();
        }
    }
}
