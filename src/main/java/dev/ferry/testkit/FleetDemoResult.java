package dev.ferry.testkit;

import dev.ferry.core.fleet.FleetResult;
import java.time.Duration;
import java.util.List;

/**
 * A fleet demo: the fleet's outcome, each pair's writers' verdict (in the fleet file's order), how long the fleet
 * run itself took (servers, datasets and writers set up before it are not counted), and how much of that passed
 * before the first pair started (the fleet's preflight of every pair).
 */
public record FleetDemoResult(FleetResult fleet, List<DemoResult> pairs, Duration took, Duration beforeFirstPair) {

    public long lost() {
        return pairs.stream().mapToLong(DemoResult::lost).sum();
    }
}
