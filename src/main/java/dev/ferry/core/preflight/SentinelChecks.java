package dev.ferry.core.preflight;

import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.sentinel.Sentinels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * With {@code sentinel: { master-name, hosts }}, ferry moves the Sentinels' watch itself: each listed Sentinel must
 * answer and know the name as a or not at all (preflight runs before ferry changes anything: a Sentinel that knows
 * the name as b was pointed there by someone else), and no Sentinel may watch a unlisted.
 */
final class SentinelChecks {
    private static final String NAME = "sentinel";

    private SentinelChecks() {
    }

    static CheckResult listed(Survey survey, long watchingA) {
        List<String> states = new ArrayList<>();
        try (Sentinels sentinels = Sentinels.of(survey.spec(), survey.servers())) {
            for (RedisNode sentinel : sentinels.nodes()) {
                Optional<Map<String, String>> master = sentinels.master(sentinel);
                if (master.isPresent() && !Sentinels.pointsAt(master.get(), survey.servers().a())) {
                    boolean atB = Sentinels.pointsAt(master.get(), survey.servers().b());
                    return CheckResult.fail(NAME, sentinel.label() + " monitors " + sentinels.masterName() + " at "
                            + Sentinels.address(master.get()) + (atB ? ", which is b: it would see b turn into a's"
                                    + " replica and could fail over to b's own replica" : ", which is not a"),
                            "set sentinel.master-name to the name this Sentinel knows a by (SENTINEL MASTERS), or"
                                    + " point the name at a (SENTINEL REMOVE, then SENTINEL MONITOR with a's address)");
                }
                states.add(sentinel.label() + (master.isEmpty() ? " does not monitor " + sentinels.masterName()
                        : " watches a"));
            }
            if (watchingA > sentinels.nodes().size()) {
                return CheckResult.fail(NAME, watchingA + " Sentinels watch a but the spec lists "
                        + sentinels.nodes().size() + ": an unlisted one would undo the move",
                        "list every Sentinel that watches a under sentinel.hosts (SENTINEL SENTINELS "
                                + sentinels.masterName() + " names the others)");
            }
        }
        return CheckResult.pass(NAME, String.join(", ", states) + ": ferry removes a from them before the cutover"
                + " and has them monitor b after it");
    }
}
