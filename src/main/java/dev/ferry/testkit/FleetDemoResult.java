package dev.ferry.testkit;

import dev.ferry.core.fleet.FleetResult;
import java.time.Duration;
import java.util.List;

/**
 * A fleet demo: the fleet's outcome, each pair's writers' verdict (in the fleet file's order), and how long the
 * fleet run itself took (servers, datasets and writers set up before it are not counted).
 */
public record FleetDemoResult(FleetResult fleet, List<DemoResult> pairs, Duration took) {

    public long lost() {
        return pairs.stream().mapToLong(DemoResult::lost).sum();
    }
}
