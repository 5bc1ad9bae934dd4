package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Planner;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue 14's bad inputs on a managed-like source: the capability probe names what a refuses and auto picks the
 * logical sync; notifications off fail the preflight naming the setting and its value; a run without
 * --accept-timed-fence is refused before anything changes; replication forced on such a source fails.
 */
class LogicalPreflightIT {

    @Test
    void notificationsOffFailNamingTheSetting() {
        try (ManagedSource m = ManagedSource.start("")) {
            List<CheckResult> checks = preflight(m, "auto");
            System.out.println("LogicalPreflightIT (notifications off): " + checks.stream().filter(c -> c.status() != CheckResult.Status.PASS)
                    .map(CheckResult::oneLine).toList());

            assertThat(check(checks, "sync method").detail()).contains("auto picked logical").contains("SYNC")
                    .contains("PSYNC").contains("CONFIG");
            CheckResult notifications = check(checks, "keyspace notifications");
            assertThat(notifications.failed()).isTrue();
            assertThat(notifications.oneLine()).contains("set notify-keyspace-events to KEA through the provider's parameter group");
            assertThat(keysOn(m, "ferry:probe:*")).as("the probe's own key is gone").isZero();
        }
    }

    @Test
    void withoutTheFenceFlagTheRunIsRefusedAndNothingChanges() {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            List<CheckResult> checks = preflight(m, "logical");
            assertThat(check(checks, "keyspace notifications").failed()).isFalse();
            assertThat(check(checks, "fence").status()).isEqualTo(CheckResult.Status.WARN);
            assertThat(check(checks, "fence").oneLine()).contains("only a timed fence").contains("--accept-timed-fence");
            assertThat(checks).filteredOn(CheckResult::failed).isEmpty();
            Planner.Plan plan = new Planner(SpecLoader.load(m.spec("auto", "detach")), RunOptions.defaults(m.stateDir()),
                    SecretSource.system()).plan();
            assertThat(plan.steps().stream().map(Planner.PlannedStep::name).toList())
                    .as("auto plans the logical steps").contains("copy b from a (logical)", "cutover")
                    .doesNotContain("sync b from a");

            Spec spec = SpecLoader.load(m.spec("logical", "detach"));
            FerryException refused = catchThrowableOfType(FerryException.class, () -> new Runner(spec,
                    new RunOptions(true, false, m.stateDir(), false), Confirmer.YES, RunListener.SILENT,
                    SecretSource.system(), Clock.systemUTC()).run());

            assertThat(refused.code()).isEqualTo(ExitCode.PREFLIGHT);
            assertThat(refused.getMessage()).contains("--accept-timed-fence").contains("CLIENT PAUSE");
            assertThat(keysOn(m.b)).as("b untouched").isZero();
        }
    }

    @Test
    void replicationForcedOnAManagedSourceFails() {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            CheckResult method = check(preflight(m, "replication"), "sync method");

            assertThat(method.failed()).isTrue();
            assertThat(method.oneLine()).contains("a refuses").contains("set sync: { method: logical }");
        }
    }

    private static List<CheckResult> preflight(ManagedSource m, String method) {
        return new Planner(SpecLoader.load(m.spec(method, "detach")), RunOptions.defaults(m.stateDir()),
                SecretSource.system()).preflight();
    }

    private static CheckResult check(List<CheckResult> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + checks));
    }

    private static long keysOn(ManagedSource m, String pattern) {
        try (Jedis a = m.a.client(Duration.ofSeconds(5))) {
            return a.keys(pattern).size();
        }
    }

    private static long keysOn(dev.ferry.testkit.RedisServer server) {
        try (Jedis j = server.client(Duration.ofSeconds(5))) {
            return j.dbSize();
        }
    }
}
