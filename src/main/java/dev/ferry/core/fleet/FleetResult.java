package dev.ferry.core.fleet;

import dev.ferry.core.ExitCode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Every pair's outcome, and the fleet's exit code: 0 when none failed, the signal's code, or "some pairs failed". */
public record FleetResult(String fleet, List<PairOutcome> pairs) {

    public int exitCode() {
        if (pairs.stream().anyMatch(p -> p.exitCode() == ExitCode.INTERRUPTED.value())) {
            return ExitCode.INTERRUPTED.value();
        }
        boolean trouble = pairs.stream().anyMatch(p -> p.failed() || p.outcome() == PairOutcome.Outcome.SKIPPED
                || p.outcome() == PairOutcome.Outcome.NOT_STARTED);
        return trouble ? ExitCode.FLEET_PARTIAL.value() : 0;
    }

    /** "8 DONE, 1 FAILED, 1 NOT_STARTED". */
    public String summary() {
        Map<PairOutcome.Outcome, Long> counts = pairs.stream()
                .collect(Collectors.groupingBy(PairOutcome::outcome, java.util.TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
