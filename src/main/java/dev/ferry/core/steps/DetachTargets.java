package dev.ferry.core.steps;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.cutover.Fence;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollback before the cutover promoted b: a never stopped being the master, so a is left as it is (only a fence
 * ferry raised is lifted); b and c stop replicating and keep their copy; every config ferry changed is restored.
 */
public final class DetachTargets implements Step {
    public static final String NAME = "detach";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis("a", "(fence lifted if raised; CONFIG SET of every journaled old value)",
                "a stays master, as before the run"));
        for (RedisNode n : replicas(ctx)) {
            commands.add(PlannedCommand.redis(n.label(), n.version().replicaOfCommand() + " NO ONE",
                    n.label() + " stops replicating and keeps its copy"));
        }
        return commands;
    }

    private static List<RedisNode> replicas(RunContext ctx) {
        List<RedisNode> nodes = new ArrayList<>();
        ctx.servers().c().ifPresent(nodes::add);
        nodes.add(ctx.servers().b());
        return nodes;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        ctx.confirm("roll back: detach b" + (ctx.servers().c().isPresent() ? " and c" : "") + " from a (they keep their"
                + " copy) and restore every config ferry changed?");
        Map<String, Object> facts = new LinkedHashMap<>();
        if (ctx.journal().reached(Cutover.NAME, Milestone.FENCING)) {
            Fence.forSource(ctx.servers().a(), ctx.ledger(), ctx.spec().cutover().maxPause()).lift();
            facts.put("fence", "lifted");
        }
        // c first: detaching b first would leave c following a master that no longer follows a
        for (RedisNode n : replicas(ctx)) {
            Optional<String> master = detach(n, n.label().equals("c") ? ctx.servers().b() : ctx.servers().a());
            master.ifPresent(m -> ctx.journal().stepFact(NAME, Milestone.DETACHED, Map.of("server", n.label(), "was", m)));
            facts.put(n.label(), master.map(m -> "detached from " + m).orElse("was not replicating from its master"));
        }
        ctx.ledger().restoreAll();
        facts.put("a", "master, untouched");
        return facts;
    }

    private static Optional<String> detach(RedisNode n, RedisNode master) {
        if (!n.replication().replicatesFrom(master.host(), master.port())) {
            return Optional.empty();
        }
        n.promote();
        return Optional.of(master.label());
    }
}
