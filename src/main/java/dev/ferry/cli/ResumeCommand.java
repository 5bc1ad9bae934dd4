package dev.ferry.cli;

import dev.ferry.core.procedure.RunOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "resume", description = "Continues an interrupted or failed run from its journal; every step first "
        + "checks live state (it never repeats a role change blindly).")
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    RunFlags flags;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        flags.ui.check(cmd);
        Path stateDir = specOptions.writableStateDir();
        flags.checkedReport();
        RunOptions options = new RunOptions(flags.yes, false, stateDir, false, flags.acceptDivergence, flags.acceptTimedFence);
        if (specOptions.isCluster()) {
            return ClusterCli.run(cmd.commandLine(), specOptions, options, flags, true);
        }
        return RunCommand.execute(cmd.commandLine(), specOptions.load(), options, flags, true, specOptions.secrets());
    }
}
