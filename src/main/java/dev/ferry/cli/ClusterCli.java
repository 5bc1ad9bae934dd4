package dev.ferry.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.ExitCode;
import dev.ferry.core.cluster.ClusterReport;
import dev.ferry.core.cluster.ClusterResult;
import dev.ferry.core.cluster.ClusterRunner;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Planner;
import dev.ferry.core.spec.ClusterSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The verbs of a cluster spec ({@code cluster:}): the same commands as for one master, through {@link ClusterRunner}. */
final class ClusterCli {
    private ClusterCli() {
    }

    static ClusterRunner runner(CommandLine cl, SpecOptions specOptions, ClusterSpec spec, RunOptions options,
            RunListener listener) {
        return new ClusterRunner(spec, options, new TerminalConfirmer(cl.getOut()), listener, specOptions.secrets(),
                Clock.systemUTC());
    }

    static int plan(CommandLine cl, SpecOptions specOptions, RunOptions options) {
        ClusterSpec spec = specOptions.loadCluster();
        Planner.Plan plan = runner(cl, specOptions, spec, options, RunListener.SILENT).plan();
        PrintWriter out = cl.getOut();
        boolean ready = PlanCommand.print(out, spec.name(), plan);
        out.flush();
        return ready ? 0 : ExitCode.PREFLIGHT.value();
    }

    static int preflight(CommandLine cl, SpecOptions specOptions, RunOptions options) {
        ClusterSpec spec = specOptions.loadCluster();
        List<CheckResult> checks = runner(cl, specOptions, spec, options, RunListener.SILENT).preflight();
        PreflightCommand.printChecks(cl.getOut(), checks);
        cl.getOut().flush();
        return checks.stream().anyMatch(CheckResult::failed) ? ExitCode.PREFLIGHT.value() : 0;
    }

    /** {@code run} and {@code resume}; with {@code --ui-port} the status page has a row per shard. */
    static int run(CommandLine cl, SpecOptions specOptions, RunOptions options, RunFlags flags, boolean resume) {
        ClusterSpec spec = specOptions.loadCluster();
        RunCommand.requireAnswerable(options);
        Signals.install(cl.getErr());
        RunListener console = new Console(cl.getOut(), Console.isTerminal());
        List<String> shards = java.util.stream.IntStream.range(0, spec.moves().size()).mapToObj(spec::shardName).toList();
        StatusBoard board = new StatusBoard(shards, spec.parallel());
        ClusterRunner runner = runner(cl, specOptions, spec, options, console).observedBy(board::listener,
                (outcome, exitCode) -> board.ended(spec.shardName(outcome.index()),
                        outcome.failure().isEmpty() ? "DONE" : "FAILED", exitCode));
        ClusterResult result;
        try (StatusPage page = flags.ui.open(board, spec.name() + " (cluster)", cl.getCommandSpec())) {
            RunCommand.announce(cl, page);
            result = resume ? runner.resume() : runner.run();
        } finally {
            if (flags.report != null) {
                writeOrWarn(cl.getErr(), flags.report, runner.status(), options.stateDir());
            }
        }
        summary(cl.getOut(), result.report());
        return 0;
    }

    static int rollback(CommandLine cl, SpecOptions specOptions, RunOptions options) {
        ClusterSpec spec = specOptions.loadCluster();
        RunCommand.requireAnswerable(options);
        Signals.install(cl.getErr());
        Map<String, Object> report = runner(cl, specOptions, spec, options,
                new Console(cl.getOut(), Console.isTerminal())).rollback();
        summary(cl.getOut(), report);
        return 0;
    }

    static int status(CommandLine cl, SpecOptions specOptions) {
        ClusterSpec spec = specOptions.loadCluster();
        Map<String, Object> status = runner(cl, specOptions, spec, RunOptions.defaults(specOptions.stateDir()),
                RunListener.SILENT).status();
        PrintWriter out = cl.getOut();
        out.println(ClusterReport.markdown(status));
        out.flush();
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void summary(PrintWriter out, Map<String, Object> report) {
        out.println();
        out.println("Result: " + report.get("status"));
        for (Map<String, Object> shard : (List<Map<String, Object>>) report.get("shards")) {
            Map<String, Object> sw = (Map<String, Object>) shard.getOrDefault("switch", Map.of());
            out.println("  shard " + shard.get("shard") + " " + shard.get("from") + " -> " + shard.get("to") + ": "
                    + shard.get("status") + (sw.containsKey("aLearnedMs") ? ", switch attempts " + sw.get("attempts")
                    + ", old master learned in " + sw.get("aLearnedMs") + " ms" : ""));
        }
        out.flush();
    }

    static void writeOrWarn(PrintWriter err, Path file, Map<String, Object> report, Path stateDir) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            dev.ferry.core.journal.PrivateFiles.ensure(file);
            Journal.json().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
            Files.writeString(file.resolveSibling(file.getFileName() + ".md"), ClusterReport.markdown(report));
        } catch (IOException | UncheckedIOException e) {
            err.println("ferry: WARN: cannot write report " + file + " (" + e.getClass().getSimpleName() + "): free"
                    + " space or fix the path, then ferry status SPEC shows the run; the journals in " + stateDir
                    + " are intact");
            err.flush();
        }
    }
}
