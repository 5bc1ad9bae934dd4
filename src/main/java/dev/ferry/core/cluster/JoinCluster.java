package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Step 1 of a shard: its new nodes join the cluster (CLUSTER MEET toward the old master). */
public final class JoinCluster extends ShardStep {
    public static final String NAME = "join";

    public JoinCluster(Shard shard) {
        super(NAME, shard);
    }


    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        ClusterNode a = Cluster.view(ctx.servers().a()).myself();
        List<PlannedCommand> commands = new ArrayList<>();
        for (RedisNode n : shard.newNodes(ctx)) {
            commands.add(PlannedCommand.redis(n.address(), String.join(" ", meet(a)),
                    "join the cluster through " + a.address() + " (no slots, no data yet)"));
        }
        commands.add(PlannedCommand.redis("every node", "CLUSTER NODES (every 20ms)",
                "wait until every node knows the new nodes"));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        ClusterNode a = Cluster.view(ctx.servers().a()).myself();
        Map<String, Object> facts = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (RedisNode n : shard.newNodes(ctx)) {
            NodesView view = Cluster.view(n);
            if (!view.knows(a.id())) {
                n.callString(meet(a).get(0), meet(a).subList(1, meet(a).size()).toArray(String[]::new));
            }
            ids.add(view.myself().id());
            facts.put(n.address(), view.myself().id());
        }
        shard.awaitViews(ctx, shard.members(ctx, ctx.servers().a()), view -> ids.stream().allMatch(view::knows),
                shard.cluster().spec().settleTimeout(),
                "the new nodes " + shard.move().newNodes().stream().map(e -> e.address()).toList(), ExitCode.STOPPED);
        return facts;
    }

    /** MEET names the bus port only where it is not port + 10000 (the argument exists from 4.0 on). */
    private static List<String> meet(ClusterNode a) {
        List<String> command = new ArrayList<>(List.of("CLUSTER", "MEET", a.host(), Integer.toString(a.port())));
        if (a.busPort() != a.port() + 10000) {
            command.add(Integer.toString(a.busPort()));
        }
        return command;
    }
}
