package dev.ferry.cli;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.Rollback;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", description = "Undoes a run: before b's promotion, detaches b and c (they keep their copy) "
        + "and leaves a as it was; after it, switches back to a with the same fenced, zero-loss cutover (traffic moved "
        + "back, b becomes a's replica). Decides from the journal and live state. A cluster spec rolls back shard by shard"
        + " (refused once old-nodes: forget has begun).")
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--yes", description = "do not ask before changing roles")
    boolean yes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Mixin
    UiOptions ui;

    @Override
    public Integer call() {
        ui.check(cmd);
        Path stateDir = specOptions.writableStateDir();
        RunOptions options = new RunOptions(yes, false, stateDir, false);
        if (specOptions.isCluster()) {
            return ClusterCli.rollback(cmd.commandLine(), specOptions, options);
        }
        Spec spec = specOptions.load();
        RunCommand.requireAnswerable(options);
        CommandLine cl = cmd.commandLine();
        Signals.install(cl.getErr());
        StatusBoard board = new StatusBoard(java.util.List.of(spec.name()), 1);
        RunListener listener = board.listener(spec.name(), new Console(cl.getOut(), Console.isTerminal()));
        try (StatusPage page = ui.open(board, spec.name() + " (rollback)", cmd)) {
            RunCommand.announce(cl, page);
            RunResult result = new Rollback(spec, options, new TerminalConfirmer(cl.getOut()), listener, specOptions.secrets(),
                    Clock.systemUTC()).rollback();
            ReportWriter.summary(cl.getOut(), result.report());
        }
        return 0;
    }
}
