package dev.ferry.cli;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Planner;
import dev.ferry.core.spec.Spec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "plan", description = "Shows every step and the exact commands it will send, per server, after live "
        + "read-only checks. Changes nothing.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @CommandLine.Option(names = "--force-wipe-target", description = "plan as if b and c may be wiped")
    boolean forceWipe;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        java.nio.file.Path stateDir = specOptions.readableStateDir();
        RunOptions options = new RunOptions(false, forceWipe, stateDir, false);
        if (specOptions.isCluster()) {
            return ClusterCli.plan(cmd.commandLine(), specOptions, options);
        }
        Spec spec = specOptions.load();
        Planner.Plan plan = new Planner(spec, options, specOptions.secrets()).plan();
        PrintWriter out = cmd.commandLine().getOut();
        boolean ready = print(out, spec, plan);
        out.flush();
        return ready ? 0 : dev.ferry.core.ExitCode.PREFLIGHT.value();
    }

    /** The plan as {@code ferry plan} prints it (also per pair by {@code ferry fleet plan}); true when it may run. */
    static boolean print(PrintWriter out, Spec spec, Planner.Plan plan) {
        return print(out, spec.name(), plan);
    }

    static boolean print(PrintWriter out, String name, Planner.Plan plan) {
        out.println("Plan for " + name + " (dry run: nothing is changed)");
        plan.servers().forEach((label, what) -> out.println("  " + label + ": " + what));
        out.println();
        PreflightCommand.printChecks(out, plan.checks());
        int n = 1;
        for (Planner.PlannedStep step : plan.steps()) {
            out.println();
            out.println(n++ + ". " + step.name());
            for (PlannedCommand c : step.commands()) {
                out.println("     " + pad(c.target()) + c.command() + (c.why().isEmpty() ? "" : "    # " + c.why()));
            }
        }
        return plan.ready();
    }

    private static String pad(String target) {
        return String.format("%-10s", target.length() >= 10 ? target + " " : target);
    }
}
