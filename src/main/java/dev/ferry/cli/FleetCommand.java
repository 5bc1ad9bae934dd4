package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.fleet.FleetPreflight;
import dev.ferry.core.fleet.FleetResult;
import dev.ferry.core.fleet.FleetRunner;
import dev.ferry.core.fleet.PairOutcome;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.FleetFile;
import dev.ferry.core.spec.FleetLoader;
import dev.ferry.core.spec.Spec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry fleet plan|preflight|run|status|resume|rollback FLEET}: many pairs in one run. */
@Command(name = "fleet", description = "Moves many pairs in one run: a fleet file lists the specs (paths or globs),"
        + " how many move at once (parallel) and what a failure does (on-failure: stop | continue). Each pair keeps its"
        + " own journal and lock; the fleet journals which pair is where.",
        subcommands = {FleetCommand.Plan.class, FleetCommand.Preflight.class, FleetCommand.Run.class,
                FleetCommand.Status.class, FleetCommand.Resume.class, FleetCommand.Rollback.class})
final class FleetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public void run() {
        cmd.commandLine().usage(cmd.commandLine().getOut());
    }

    /** The fleet file and state directory every fleet verb takes. */
    static final class FleetOptions {
        @Parameters(index = "0", paramLabel = "FLEET", description = "the fleet file (YAML: specs, parallel, on-failure)")
        Path fleetFile;

        @CommandLine.Mixin
        StateOptions state;

        FleetFile load() {
            return FleetLoader.load(fleetFile);
        }

        FleetRunner runner(FleetFile fleet, boolean forceWipe, boolean acceptDivergence, PrintWriter out) {
            return runner(fleet, forceWipe, acceptDivergence, out, null);
        }

        /** With a board: every pair's events also go to the status page, and so does how each pair ended. */
        FleetRunner runner(FleetFile fleet, boolean forceWipe, boolean acceptDivergence, PrintWriter out, StatusBoard board) {
            return runner(fleet, forceWipe, acceptDivergence, out, board, spec -> new PairLines(out, spec.name()));
        }

        /**
         * With a board and the pairs' own listeners (console lines, or metrics in front of them): the board sees every
         * event first, then the pair's listener.
         */
        FleetRunner runner(FleetFile fleet, boolean forceWipe, boolean acceptDivergence, PrintWriter out, StatusBoard board,
                Function<Spec, RunListener> pairListener) {
            RunOptions options = new RunOptions(false, forceWipe, state.stateDir, false, acceptDivergence);
            FleetRunner runner = new FleetRunner(fleet, options, spec -> board == null ? pairListener.apply(spec)
                    : board.listener(spec.name(), pairListener.apply(spec)), state.secrets(),
                    Clock.systemUTC());
            return board == null ? runner : runner.onPairEnded(p -> board.ended(p.spec(), p.outcome().name(), p.exitCode()));
        }
    }

    /** The flags of the verbs that change servers. */
    static final class ChangeFlags {
        @Option(names = "--yes", description = "do not ask (once, for the whole fleet) before moving")
        boolean yes;

        @Option(names = "--force-wipe-target", description = "allow erasing keys that any pair's b or c holds")
        boolean forceWipe;

        @Option(names = "--accept-divergence", description = "pairs in cutover mode drain: accept that a and b both take writes")
        boolean acceptDivergence;

        @Option(names = "--report", paramLabel = "FILE", description = "write the fleet report: JSON to FILE, Markdown to"
                + " FILE.md, the status page as FILE.html; each pair's own report beside it (FILE-SPEC.json)")
        Path report;

        /** --report FILE, FILE.md and FILE.html, checked before anything is read or contacted. */
        void checkReport() {
            if (report != null) {
                for (Path file : List.of(report, report.resolveSibling(report.getFileName() + ".md"), FleetReport.page(report))) {
                    dev.ferry.core.journal.OutputPaths.file("--report", file);
                }
            }
        }

        /** One question for the whole fleet: each pair's own confirmations would interleave on one terminal. */
        void confirm(CommandLine cl, String question) {
            if (yes) {
                return;
            }
            if (!Console.isTerminal()) {
                throw new FerryException(ExitCode.DECLINED, "no terminal to ask for confirmation on: pass --yes to run"
                        + " the fleet without asking (it does not imply --force-wipe-target)");
            }
            if (!new TerminalConfirmer(cl.getOut()).confirm(question)) {
                throw new FerryException(ExitCode.DECLINED, "not confirmed: " + question + " (answer yes, or pass --yes)");
            }
        }
    }

    @Command(name = "plan", description = "Every pair's plan (after live read-only checks) and the conflicts between pairs. Changes nothing.")
    static final class Plan implements Callable<Integer> {
        @CommandLine.Mixin
        FleetOptions fleetOptions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() {
            FleetFile fleet = fleetOptions.load();
            PrintWriter out = cmd.commandLine().getOut();
            out.println("Fleet " + fleet.name() + ": " + fleet.specs().size() + " pairs, " + fleet.parallel()
                    + " at once, on-failure " + fleet.onFailure().name().toLowerCase(java.util.Locale.ROOT)
                    + " (dry run: nothing is changed)");
            FleetRunner runner = fleetOptions.runner(fleet, false, false, out);
            boolean ready = true;
            FleetRunner.FleetPlan plan = runner.plan();
            for (Spec spec : fleet.specs()) {
                out.println();
                ready &= PlanCommand.print(out, spec, plan.plans().get(spec.name()));
            }
            FleetPreflight preflight = new FleetPreflight(Map.of(), plan.conflicts(), fleet.onFailure());
            printConflicts(out, preflight);
            out.flush();
            return preflight.conflicts().isEmpty() && ready ? 0 : ExitCode.PREFLIGHT.value();
        }
    }

    @Command(name = "preflight", description = "Every pair's preflight and the conflicts between pairs (the same server,"
            + " VIP or check-endpoint in two specs). Changes nothing.")
    static final class Preflight implements Callable<Integer> {
        @CommandLine.Mixin
        FleetOptions fleetOptions;

        @Option(names = "--force-wipe-target", description = "accept that b and c hold keys that will be erased")
        boolean forceWipe;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() {
            FleetFile fleet = fleetOptions.load();
            PrintWriter out = cmd.commandLine().getOut();
            FleetPreflight preflight = fleetOptions.runner(fleet, forceWipe, false, out).preflight();
            preflight.checks().forEach((spec, checks) -> {
                out.println("== " + spec + (preflight.failed(spec) ? (fleet.onFailure() == FleetFile.OnFailure.CONTINUE
                        ? "  (FAILED: fleet run skips this pair, on-failure: continue)" : "  (FAILED)") : ""));
                PreflightCommand.printChecks(out, checks);
            });
            printConflicts(out, preflight);
            out.println(preflight.blocks() ? "fleet refused: nothing may start" : "fleet ready: "
                    + (fleet.specs().size() - preflight.failedPairs().size()) + " of " + fleet.specs().size() + " pairs would move");
            out.flush();
            return preflight.blocks() ? ExitCode.PREFLIGHT.value() : 0;
        }
    }

    /** What run, resume and rollback share: one question, signal handling, the pairs, the report, the exit code. */
    abstract static class ChangingVerb implements Callable<Integer> {
        @CommandLine.Mixin
        FleetOptions fleetOptions;

        @CommandLine.Mixin
        ChangeFlags flags;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @CommandLine.Mixin
        UiOptions ui;

        @CommandLine.Mixin
        FleetMetricsOptions metrics;

        abstract String question(FleetFile fleet);

        /** The steps a pair's metrics show from the start (at 0): a run's; a rollback's appear as they run. */
        List<String> metricSteps(Spec spec) {
            return Runner.plannedSteps(spec);
        }

        abstract FleetResult apply(FleetRunner runner);

        @Override
        public Integer call() {
            ui.check(cmd);
            fleetOptions.state.writableStateDir();
            flags.checkReport();
            metrics.check(cmd);
            FleetFile fleet = fleetOptions.load();
            CommandLine cl = cmd.commandLine();
            flags.confirm(cl, question(fleet));
            Signals.install(cl.getErr());
            StatusBoard board = new StatusBoard(fleet.specs().stream().map(Spec::name).toList(), fleet.parallel());
            try (StatusPage page = ui.open(board, "fleet " + fleet.name(), cmd); RunMetrics.Server server = metrics.open()) {
                RunCommand.announce(cl, page);
                FleetRunner runner = fleetOptions.runner(fleet, flags.forceWipe, flags.acceptDivergence, cl.getOut(), board,
                        pairListeners(cl.getOut(), server));
                FleetResult result = apply(runner);
                int code = finish(cl, fleet, fleetOptions, flags.report, result);
                if (flags.report != null) {
                    StatusPage.save(board, "fleet " + fleet.name(), FleetReport.page(flags.report));
                }
                return code;
            }
        }

        /**
         * Each pair's console lines, behind its metrics when the fleet serves them. One RunMetrics per pair for the
         * whole command: the registry keeps the first gauges registered under a name and spec.
         */
        private Function<Spec, RunListener> pairListeners(PrintWriter out, RunMetrics.Server server) {
            if (server == null) {
                return spec -> new PairLines(out, spec.name());
            }
            Map<String, RunMetrics> bySpec = new ConcurrentHashMap<>();
            return spec -> bySpec.computeIfAbsent(spec.name(),
                    name -> new RunMetrics(new PairLines(out, name), server, name, metricSteps(spec)));
        }
    }

    @Command(name = "run", description = "Preflight of every pair, then up to parallel pairs at once; each pair as ferry run moves it.")
    static final class Run extends ChangingVerb {
        @Override
        String question(FleetFile fleet) {
            return "move the " + fleet.specs().size() + " pairs of fleet " + fleet.name() + ", " + fleet.parallel() + " at once?";
        }

        @Override
        FleetResult apply(FleetRunner runner) {
            return runner.run();
        }
    }

    @Command(name = "resume", description = "Continues the unfinished and failed pairs of a fleet; a pair that finished is never touched again.")
    static final class Resume extends ChangingVerb {
        @Override
        String question(FleetFile fleet) {
            return "resume the unfinished pairs of fleet " + fleet.name() + "?";
        }

        @Override
        FleetResult apply(FleetRunner runner) {
            return runner.resume();
        }
    }

    @Command(name = "rollback", description = "Rolls back the pairs named with --pair, or every pair that finished, in"
            + " reverse order with the fleet's concurrency; each as ferry rollback does it.")
    static final class Rollback extends ChangingVerb {
        @Option(names = "--pair", paramLabel = "NAME", description = "a pair to roll back, by its spec name (repeatable)")
        List<String> pairs = new ArrayList<>();

        @Override
        String question(FleetFile fleet) {
            return "roll back " + (pairs.isEmpty() ? "every finished pair" : String.join(", ", pairs)) + " of fleet "
                    + fleet.name() + "?";
        }

        @Override
        FleetResult apply(FleetRunner runner) {
            return runner.rollback(new LinkedHashSet<>(pairs));
        }

        @Override
        List<String> metricSteps(Spec spec) {
            return List.of();
        }
    }

    @Command(name = "status", description = "Each pair's journal status and step, and how the fleet last left it. Changes nothing.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        FleetOptions fleetOptions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() {
            FleetFile fleet = fleetOptions.load();
            PrintWriter out = cmd.commandLine().getOut();
            FleetRunner runner = fleetOptions.runner(fleet, false, false, out);
            out.println("fleet " + fleet.name() + ": " + runner.journal().status().name() + " (" + runner.journal().file() + ")");
            out.printf("  %-24s %-12s %-30s %s%n", "pair", "status", "last step", "fleet");
            for (Map<String, Object> row : runner.status()) {
                out.printf("  %-24s %-12s %-30s %s%n", row.get("spec"), row.get("status"), row.get("step"),
                        row.getOrDefault("fleet", "-") + (row.containsKey("exit") ? " (exit " + row.get("exit") + ")" : ""));
            }
            out.flush();
            return 0;
        }
    }

    private static void printConflicts(PrintWriter out, FleetPreflight preflight) {
        out.println();
        if (preflight.conflicts().isEmpty()) {
            out.println("Conflicts between pairs: none");
        }
        preflight.conflicts().forEach(c -> out.println("  FAIL conflict: " + c));
    }

    /** Prints a line per pair, writes the reports, and returns the fleet's exit code. */
    private static int finish(CommandLine cl, FleetFile fleet, FleetOptions options, Path report, FleetResult result) {
        PrintWriter out = cl.getOut();
        out.println();
        out.println("Fleet " + fleet.name() + ": " + result.summary());
        for (PairOutcome p : result.pairs()) {
            out.printf("  %-24s %-12s exit %-3d %s%n", p.spec(), p.outcome(), p.exitCode(), p.message());
        }
        out.flush();
        if (report != null) {
            FleetReport.write(report, fleet, options.state.stateDir, result);
        }
        return result.exitCode();
    }

    /** What a pair's run prints, each line led by the pair's name: pairs that move at once share one output. */
    static final class PairLines implements dev.ferry.core.procedure.RunListener {
        private final PrintWriter out;
        private final String prefix;

        PairLines(PrintWriter out, String spec) {
            this.out = out;
            this.prefix = "[" + spec + "] ";
        }

        private void line(String text) {
            synchronized (out) {
                out.println(prefix + text);
                out.flush();
            }
        }

        @Override
        public void stepStarted(String step) {
            line("==> " + step);
        }

        @Override
        public void stepFinished(String step, java.time.Duration took, Map<String, Object> facts) {
            line(String.format("    %s done in %.1fs", step, took.toMillis() / 1000.0));
        }

        @Override
        public void stepFailed(String step, String error) {
            line("    " + step + " FAILED: " + error);
        }

        @Override
        public void warn(String message) {
            line("    WARN " + message);
        }

        @Override
        public void note(String message) {
            line("    " + message);
        }
    }

}
