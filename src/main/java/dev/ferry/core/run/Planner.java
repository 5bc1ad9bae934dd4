package dev.ferry.core.run;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.preflight.SyncChecks;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.Preflight;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** {@code plan} and {@code preflight}: live read-only checks and every command each step would send. */
public final class Planner {
    private final Spec spec;
    private final RunOptions options;
    private final SecretSource secrets;

    public Planner(Spec spec, RunOptions options, SecretSource secrets) {
        this.spec = spec;
        this.options = options;
        this.secrets = secrets;
    }

    public record PlannedStep(String name, List<PlannedCommand> commands) {
    }

    public record Plan(List<CheckResult> checks, Map<String, String> servers, List<PlannedStep> steps) {
        public boolean ready() {
            return checks.stream().noneMatch(CheckResult::failed);
        }
    }

    public List<CheckResult> preflight() {
        return preflight(servers -> { });
    }

    /** The checks, then {@code alsoRead} on the same read-only connections (a fleet reads each server's run_id). */
    public List<CheckResult> preflight(Consumer<Servers> alsoRead) {
        try (Servers servers = Servers.of(spec, secrets, Servers.readOnlyClientNameFor(spec.name()))) {
            List<CheckResult> checks = Preflight.check(spec, servers, Switches.of(spec, servers,
                    Optional.of(options.stateDir())), options.forceWipeTarget(), false);
            alsoRead.accept(servers);
            return checks;
        }
    }

    public Plan plan() {
        return plan(servers -> { });
    }

    /** The plan, then {@code alsoRead} on the same read-only connections, as {@link #preflight(Consumer)}. */
    public Plan plan(Consumer<Servers> alsoRead) {
        try (Servers servers = Servers.of(spec, secrets, Servers.readOnlyClientNameFor(spec.name()))) {
            alsoRead.accept(servers);
            List<CheckResult> checks = Preflight.check(spec, servers, Switches.of(spec, servers, Optional.of(options.stateDir())), options.forceWipeTarget(), false);
            Journal dryJournal = Journal.open(options.stateDir(), spec.name(), Clock.systemUTC());
            List<PlannedStep> steps = new ArrayList<>();
            Spec resolved = SyncChecks.resolve(spec, servers); // auto: the steps of the method the probe picks
            RunContext ctx = new RunContext(resolved, servers, dryJournal, Switches.of(resolved, servers), options, q -> false,
                    RunListener.SILENT, Clock.systemUTC());
            for (Step step : Procedure.steps(resolved)) {
                steps.add(new PlannedStep(step.name(), step.plan(ctx)));
            }
            Map<String, String> roles = new LinkedHashMap<>();
            servers.all().forEach(n -> roles.put(n.label(), n.address() + " " + n.version() + " "
                    + n.replication().role() + ", keys " + n.info("keyspace").keysPerDb()));
            return new Plan(checks, roles, steps);
        }
    }
}
