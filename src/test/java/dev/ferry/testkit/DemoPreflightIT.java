package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Planner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.SpecLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo sets up its own servers, so its preflight must not warn about that setup: with its writers running
 * (twice the default load, so that Redis's 1MB default backlog would be too small), every check passes.
 */
class DemoPreflightIT {
    @Test
    void theDemosPreflightHasNoWarningOfItsOwnMaking() throws InterruptedException {
        RedisBinary system = RedisBinary.system();
        DemoConfig config = new DemoConfig(2_000, 8, 800, 0.25, Duration.ofSeconds(2), Duration.ofSeconds(1), "replica",
                system, system, system, Map.of(), "pause");
        try (Demo demo = new Demo(config)) {
            demo.start(line -> { });
            demo.startWriters();
            Thread.sleep(500);
            List<CheckResult> checks = new Planner(SpecLoader.load(demo.writeSpec()),
                    RunOptions.defaults(demo.workDir().resolve(".ferry")), SecretSource.system()).preflight();

            assertThat(checks).as("preflight of the demo's own setup").allSatisfy(c ->
                    assertThat(c.status()).as(c.oneLine()).isEqualTo(CheckResult.Status.PASS));
            assertThat(checks).extracting(CheckResult::name).contains("replication backlog");
        }
    }
}
