package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Planner;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.preflight.CheckResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "preflight", description = "Runs every read-only check (PASS / WARN / FAIL with a fix). Changes nothing.")
final class PreflightCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @CommandLine.Option(names = "--force-wipe-target", description = "accept that b and c hold keys that will be erased")
    boolean forceWipe;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        java.nio.file.Path stateDir = specOptions.readableStateDir();
        RunOptions options = new RunOptions(false, forceWipe, stateDir, false);
        if (specOptions.isCluster()) {
            return ClusterCli.preflight(cmd.commandLine(), specOptions, options);
        }
        Spec spec = specOptions.load();
        List<CheckResult> checks = new Planner(spec, options, specOptions.secrets()).preflight();
        PrintWriter out = cmd.commandLine().getOut();
        printChecks(out, checks);
        out.flush();
        return checks.stream().anyMatch(CheckResult::failed) ? ExitCode.PREFLIGHT.value() : 0;
    }

    static void printChecks(PrintWriter out, List<CheckResult> checks) {
        out.println("Preflight:");
        for (CheckResult c : checks) {
            out.printf("  %-4s %-22s %s%s%n", c.status(), c.name(), c.detail(), c.fix().isEmpty() ? "" : "  -> " + c.fix());
        }
    }
}
