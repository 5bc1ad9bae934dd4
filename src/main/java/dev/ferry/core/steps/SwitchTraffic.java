package dev.ferry.core.steps;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.plan.PlannedCommand;
import dev.ferry.core.plan.RunContext;
import dev.ferry.core.plan.Step;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cutover moves the traffic inside its window, in the order the switch needs; this step makes sure it
 * happened (a resume after a crash may still have to do it) and, with {@code check-endpoint}, waits until
 * that address really answers as b.
 */
public final class SwitchTraffic implements Step {
    public static final String NAME = "switch traffic";
    private static final Duration POLL = Duration.ofMillis(100);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PlannedCommand> plan(RunContext ctx) {
        List<PlannedCommand> commands = new ArrayList<>();
        commands.add(PlannedCommand.redis("-", "(done inside the cutover: " + ctx.trafficSwitch().describe() + ")", ""));
        checkEndpoint(ctx).ifPresent(endpoint -> commands.add(PlannedCommand.redis(endpoint, "INFO server",
                "wait until the endpoint answers with b's run_id")));
        return commands;
    }

    @Override
    public Map<String, Object> run(RunContext ctx) {
        Map<String, Object> facts = new LinkedHashMap<>();
        if (!ctx.journal().reached(Cutover.NAME, Cutover.SWITCHED)) {
            Duration took = ctx.trafficSwitch().move(ctx.spec().source(), ctx.spec().target());
            Map<String, Object> switched = new LinkedHashMap<>(Map.of("switchMillis", took.toMillis()));
            ctx.trafficSwitch().log().ifPresent(log -> switched.put("switchLog", log.toString()));
            ctx.journal().stepFact(Cutover.NAME, Cutover.SWITCHED, switched);
            facts.put("switchMillis", took.toMillis());
        }
        facts.put("switch", ctx.trafficSwitch().describe());
        checkEndpoint(ctx).ifPresent(endpoint -> facts.put("endpointAnswersAsB", awaitEndpoint(ctx, endpoint) + "ms"));
        return facts;
    }

    private static Optional<String> checkEndpoint(RunContext ctx) {
        return ctx.spec().switchSpec().checkEndpoint();
    }

    private static long awaitEndpoint(RunContext ctx, String endpoint) {
        RedisNode b = ctx.servers().b();
        String want = b.runId();
        int colon = endpoint.lastIndexOf(':');
        RedisNode probe = new RedisNode("the check-endpoint", endpoint.substring(0, colon),
                Integer.parseInt(endpoint.substring(colon + 1)), b.credentials(), ctx.servers().clientName() + "-check",
                1000, Map.of(), b.tls());
        long start = System.nanoTime();
        long deadline = start + ctx.spec().switchSpec().timeout().toNanos();
        String seen = "nothing";
        try (probe) {
            while (System.nanoTime() < deadline) {
                try {
                    seen = probe.runId();
                    if (want.equals(seen)) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (RuntimeException e) {
                    seen = e.getMessage();
                    probe.close();
                }
                ctx.sleep(POLL);
            }
        }
        throw new FerryException(ExitCode.INCOMPLETE, "check-endpoint " + endpoint + " does not answer as b (saw "
                + seen + ") after " + ctx.spec().switchSpec().timeout().toMillis()
                + "ms: b is master; fix the switch, then run ferry resume");
    }
}
