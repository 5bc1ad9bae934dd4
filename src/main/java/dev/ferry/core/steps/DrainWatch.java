package dev.ferry.core.steps;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.ClientInfo;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Seed step 7: watch a's client connections, per client address, until none is left or the watch ends.
 * Clients still connected at the end reach a directly, not through the switch: they are named.
 */
public final class DrainWatch implements Step {
    public static final String NAME = "drain watch";
    private static final Duration POLL = Duration.ofMillis(250);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        return List.of(PlannedCommand.redis("a", "CLIENT LIST (every " + POLL.toMillis() + "ms, up to "
                + ctx.spec().cutover().drainWatch().toSeconds() + "s)", "count a's application clients per address"));
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        RedisNode a = ctx.servers().a();
        Map<String, Long> peak = new TreeMap<>();
        Map<String, Long> now = Map.of();
        long start = ctx.nanos();
        long deadline = start + ctx.spec().cutover().drainWatch().toNanos();
        do {
            now = perAddress(a.clients());
            now.forEach((host, n) -> peak.merge(host, n, Math::max));
            if (now.isEmpty()) {
                break;
            }
            ctx.sleep(POLL);
        } while (ctx.nanos() < deadline);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("seconds", (ctx.nanos() - start) / 1_000_000 / 1000.0);
        facts.put("peakClientsPerAddress", peak);
        facts.put("remainingClientsPerAddress", now);
        if (!now.isEmpty()) {
            ctx.warn("clients still connect straight to a after the switch: " + now.entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                    + ": repoint them to b or to the switched address");
        }
        return facts;
    }

    private static Map<String, Long> perAddress(List<ClientInfo> clients) {
        return clients.stream().filter(ClientInfo::isApplication)
                .collect(Collectors.groupingBy(ClientInfo::host, TreeMap::new, Collectors.counting()));
    }
}
