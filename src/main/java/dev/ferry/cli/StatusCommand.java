package dev.ferry.cli;

import dev.ferry.core.run.StatusReader;
import dev.ferry.core.spec.SecretSource;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Shows where a run stands: its journal, and the servers' live roles and offsets.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        Map<String, Object> status = StatusReader.read(specOptions.load(), specOptions.stateDir, SecretSource.system());
        PrintWriter out = cmd.commandLine().getOut();
        status.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                out.println(k + ":");
                m.forEach((k2, v2) -> out.println("  " + k2 + ": " + v2));
            } else {
                out.println(k + ": " + v);
            }
        });
        out.flush();
        return 0;
    }
}
