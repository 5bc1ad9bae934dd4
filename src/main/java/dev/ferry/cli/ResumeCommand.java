package dev.ferry.cli;

import dev.ferry.core.plan.RunOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "resume", description = "Continues an interrupted or failed run from its journal; every step first "
        + "checks live state (it never repeats a role change blindly).")
final class ResumeCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--yes", description = "do not ask before destructive steps")
    boolean yes;

    @Option(names = "--accept-divergence", description = "cutover mode drain only: accept that a and b both take writes "
            + "(writes on b never reach c, writes on a after b's promotion are lost); measured and reported")
    boolean acceptDivergence;

    @Option(names = "--report", paramLabel = "FILE", description = "write the run report as JSON")
    Path report;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        RunOptions options = new RunOptions(yes, false, specOptions.stateDir, false, acceptDivergence);
        return RunCommand.execute(cmd.commandLine(), specOptions.load(), options, report, true);
    }
}
