package dev.ferry.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The cutover benchmark's options ({@code bench/cutover.sh --help}). */
record BenchArgs(int runs, int keys, int writers, int rate, int syncKeys, Path out, boolean netns, boolean netnsOnly,
        java.util.List<String> netnsModes, boolean rollback, boolean plainSwap, boolean capture, java.util.List<String> only) {

    @Command(name = "bench/cutover.sh", mixinStandardHelpOptions = true,
            description = "Every cutover mode side by side, N cutovers each under writers on loopback.")
    static final class Options implements BenchCli.Checked {
        @Option(names = "--runs", defaultValue = "20", description = "cutovers per mode (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--keys", defaultValue = "2000", description = "keys loaded on a (default: ${DEFAULT-VALUE})")
        int keys;

        @Option(names = "--writers", defaultValue = "4", description = "writer clients (default: ${DEFAULT-VALUE})")
        int writers;

        @Option(names = "--rate", defaultValue = "500", description = "writes per second per writer (default: ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--sync-keys", defaultValue = "500000", description = "keys of the sync comparison (default: ${DEFAULT-VALUE})")
        int syncKeys;

        @Option(names = "--out", paramLabel = "FILE", description = "the JSON results (default: bench/results/cutover-TIME.json)")
        Path out = BenchCli.defaultOut("cutover");

        @Option(names = "--netns", description = "also run the modes through a keepalived VIP in network namespaces")
        boolean netns;

        @Option(names = "--only", split = ",", paramLabel = "MODE", description = "run only these modes, e.g. "
                + "--only 'ferry pause' (default: all; without bare FAILOVER the ratio is left out, and so is the "
                + "sync comparison)")
        java.util.List<String> only = java.util.List.of();

        @Option(names = "--netns-only", description = "only the rows through the VIP (implies --netns)")
        boolean netnsOnly;

        @Option(names = "--netns-modes", split = ",", paramLabel = "MODE[,MODE]",
                description = "cutover modes of the netns rows (default: pause,failover,drain)")
        java.util.List<String> netnsModes = java.util.List.of("pause", "failover", "drain");

        @Option(names = "--rollback", description = "each netns run also rolls back (ferry rollback), a row of its own")
        boolean rollback;

        @Option(names = "--plain-swap", description = "netns rows with the plain priority swap (no handover-file)")
        boolean plainSwap;

        @Option(names = "--no-capture", negatable = true, defaultValue = "true",
                description = "tcpdump the netns clients' SYNs to the VIP and their answers (default: on)")
        boolean capture;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void check() {
            BenchCli.positive(spec, "--runs", runs);
            BenchCli.positive(spec, "--keys", keys);
            BenchCli.positive(spec, "--writers", writers);
            BenchCli.positive(spec, "--rate", rate);
            BenchCli.positive(spec, "--sync-keys", syncKeys);
            BenchCli.output(out);
            for (String mode : netnsModes) {
                if (!java.util.List.of("pause", "failover", "drain").contains(mode)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--netns-modes takes pause, failover, drain, was " + mode);
                }
            }
        }

        BenchArgs args() {
            return new BenchArgs(runs, keys, writers, rate, syncKeys, out, netns || netnsOnly, netnsOnly, netnsModes,
                    rollback, plainSwap, capture && dev.ferry.testkit.SynCapture.available(), only);
        }
    }

    static BenchArgs parse(String[] args) {
        return BenchCli.parseOrExit(new Options(), args).args();
    }
}
