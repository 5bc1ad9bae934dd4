package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Carries out the migration: preflight, sync, chain, verify, cutover, switch, drain"
        + " watch, after, persist roles, post-checks, verify (and the Sentinels' move, when the spec asks). Asks before"
        + " each destructive step unless --yes.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    RunFlags flags;

    @Option(names = "--force-wipe-target", description = "allow erasing keys that b or c hold")
    boolean forceWipe;

    @Option(names = "--restart", description = "discard a finished or failed journal and start a new run (the old one is kept as .old)")
    boolean restart;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "serve Prometheus metrics (step, lag, sync, pause, verify) on http://HOST:PORT/metrics while running")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "address the metrics server listens on (default: ${DEFAULT-VALUE})")
    String metricsHost;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    /** Without --yes ferry asks before each destructive step, and it can ask only on a terminal. */
    static void requireAnswerable(RunOptions options) {
        if (!options.yes() && !Console.isTerminal()) {
            throw new FerryException(ExitCode.DECLINED, "no terminal to ask for confirmation on: pass --yes to run "
                    + "without asking (it does not imply --force-wipe-target)");
        }
    }

    @Override
    public Integer call() {
        if (metricsPort != null) {
            new Usage(cmd).between("--metrics-port", metricsPort, 1, 65535);
        }
        flags.ui.check(cmd);
        Path stateDir = specOptions.writableStateDir();
        flags.checkedReport();
        RunOptions options = new RunOptions(flags.yes, forceWipe, stateDir, restart, flags.acceptDivergence, flags.acceptTimedFence);
        if (specOptions.isCluster()) {
            return ClusterCli.run(cmd.commandLine(), specOptions, options, flags, false);
        }
        Spec spec = specOptions.load();
        requireAnswerable(options);
        if (metricsPort == null) {
            return execute(cmd.commandLine(), spec, options, flags, false, specOptions.secrets());
        }
        Console console = new Console(cmd.commandLine().getOut(), Console.isTerminal());
        try (RunMetrics metrics = new RunMetrics(console, metricsHost, metricsPort, spec.name(), Runner.plannedSteps(spec))) {
            return execute(cmd.commandLine(), spec, options, flags, false, specOptions.secrets(), metrics);
        }
    }

    static int execute(CommandLine cl, Spec spec, RunOptions options, RunFlags flags, boolean resume, SecretSource secrets) {
        return execute(cl, spec, options, flags, resume, secrets, new Console(cl.getOut(), Console.isTerminal()));
    }

    static int execute(CommandLine cl, Spec spec, RunOptions options, RunFlags flags, boolean resume, SecretSource secrets,
            RunListener console) {
        requireAnswerable(options);
        Signals.install(cl.getErr());
        StatusBoard board = new StatusBoard(List.of(spec.name()), 1);
        RunListener listener = board.listener(spec.name(), console);
        try (StatusPage page = flags.ui.open(board, spec.name(), cl.getCommandSpec())) {
            announce(cl, page);
            return execute(cl, spec, options, flags.report, resume, secrets, listener);
        }
    }

    /** Where the page is: on stdout, so an operator (and a test) can open it; port 0 picks a free one. */
    static void announce(CommandLine cl, StatusPage page) {
        if (page != null) {
            cl.getOut().println("status page (read-only): http://" + page.host() + ":" + page.port() + "/");
            cl.getOut().flush();
        }
    }

    private static int execute(CommandLine cl, Spec spec, RunOptions options, Path report, boolean resume, SecretSource secrets,
            RunListener listener) {
        Runner runner = new Runner(spec, options, new TerminalConfirmer(cl.getOut()), listener, secrets, Clock.systemUTC());
        RunResult result;
        try {
            result = resume ? runner.resume() : runner.run();
        } finally {
            if (report != null) {
                ReportWriter.writeOrWarn(cl.getErr(), report, spec, options.stateDir());
            }
        }
        ReportWriter.summary(cl.getOut(), result.report());
        return 0;
    }
}
