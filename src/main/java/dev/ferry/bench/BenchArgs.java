package dev.ferry.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The cutover benchmark's options ({@code bench/cutover.sh --help}). */
record BenchArgs(int runs, int keys, int writers, int rate, int syncKeys, Path out, boolean netns, java.util.List<String> only) {

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
        }

        BenchArgs args() {
            return new BenchArgs(runs, keys, writers, rate, syncKeys, out, netns, only);
        }
    }

    static BenchArgs parse(String[] args) {
        return BenchCli.parseOrExit(new Options(), args).args();
    }
}
