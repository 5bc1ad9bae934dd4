package dev.ferry.cli;

import dev.ferry.core.run.StatusReader;
import dev.ferry.core.spec.Spec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Shows where a run stands: its journal, and the servers' live roles and offsets.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @CommandLine.Option(names = "--watch", description = "refresh the view until interrupted (Ctrl-C)")
    boolean watch;

    /** Each redraw asks every server: more often would be load, not news. */
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    @CommandLine.Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "with --watch: time between refreshes (default: ${DEFAULT-VALUE})")
    String interval;

    @CommandLine.Option(names = "--times", hidden = true, defaultValue = "0", description = "with --watch: stop after N views (tests)")
    int times;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws InterruptedException {
        long pause = new Usage(cmd).duration("--interval", interval, MIN_INTERVAL, Duration.ofHours(1)).toMillis();
        specOptions.readableStateDir();
        if (specOptions.isCluster()) {
            return ClusterCli.status(cmd.commandLine(), specOptions);
        }
        Spec spec = specOptions.load();
        PrintWriter out = cmd.commandLine().getOut();
        if (!watch) {
            print(out, spec);
            return 0;
        }
        for (int n = 1; times == 0 || n <= times; n++) {
            if (Console.isTerminal()) {
                out.print("\033[H\033[2J"); // one screen, redrawn in place
            }
            out.println("ferry status " + spec.name() + " at " + java.time.LocalTime.now().withNano(0)
                    + " (every " + interval + ", Ctrl-C to stop)");
            print(out, spec);
            if (times == 0 || n < times) {
                Thread.sleep(pause);
            }
        }
        return 0;
    }

    private void print(PrintWriter out, Spec spec) {
        Map<String, Object> status = StatusReader.read(spec, specOptions.stateDir(), specOptions.secrets());
        status.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                out.println(k + ":");
                m.forEach((k2, v2) -> out.println("  " + k2 + ": " + v2));
            } else {
                out.println(k + ": " + v);
            }
        });
        out.flush();
    }
}
