package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.verify.Difference;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.core.verify.VerifyResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", description = "Compares a with b, and b with c when the spec has a backup: type, value and"
        + " TTL of every key, in every database, in both directions. Reads only. A cluster spec is verified shard by shard: the new master against the old"
        + " one before its switch, its new replicas against it after. Keys that change while compared are"
        + " re-checked before they count. Exit 0: they match; 10: differences found; 4: could not verify (a server"
        + " could not be reached, or refused a command).")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    static final class Mode {
        @Option(names = "--full", description = "compare every key (the default)")
        boolean full;

        @Option(names = "--sample", paramLabel = "N", description = "compare N random keys from each side instead")
        Integer sample;
    }

    @Option(names = "--max-ops", paramLabel = "N", defaultValue = "0",
            description = "at most N commands per second over all servers (default: no limit)")
    long maxOps;

    @Option(names = "--mismatches", paramLabel = "FILE", description = "write every difference to FILE, one a line")
    Path mismatchFile;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "batches compared in parallel, 1 to " + MAX_WORKERS + " (default: 2)")
    int workers;

    static final int MAX_WORKERS = 32;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        checkOptions();
        if (mismatchFile != null) {
            dev.ferry.core.journal.OutputPaths.file("--mismatches", mismatchFile);
        }
        VerifyOptions options = VerifyOptions.full().withSample(mode.sample == null ? 0 : mode.sample)
                .withMaxOps(maxOps).withWorkers(workers);
        if (mismatchFile != null) {
            options = options.withMismatchFile(mismatchFile);
        }
        if (specOptions.isCluster()) {
            return verifyCluster(options);
        }
        Spec spec = specOptions.load();
        VerifyResult result;
        // progress on stderr: stdout carries the result, for scripts
        Console progress = new Console(cmd.commandLine().getErr(), Console.isTerminal());
        try (Servers servers = Servers.of(spec, specOptions.secrets(), Servers.clientNameFor(spec.name()) + "-verify")) {
            result = new Verifier(options, (compared, total) -> progress.verifyProgress("verify", compared, total))
                    .verify(Verifier.pairsOf(servers));
        } finally {
            progress.done();
        }
        PrintWriter out = cmd.commandLine().getOut();
        print(out, result);
        out.flush();
        return result.matches() ? ExitCode.OK.value() : ExitCode.DIFFERENCES.value();
    }

    /** A cluster spec: each shard's pairs as its live state has them (see ClusterVerifyPairs); exit 10 if any differ. */
    private int verifyCluster(VerifyOptions options) {
        dev.ferry.core.spec.ClusterSpec spec = specOptions.loadCluster();
        PrintWriter out = cmd.commandLine().getOut();
        Console progress = new Console(cmd.commandLine().getErr(), Console.isTerminal());
        boolean matches = true;
        try (dev.ferry.core.cluster.Cluster cluster = new dev.ferry.core.cluster.Cluster(spec, specOptions.secrets(),
                Servers.clientNameFor(spec.name()) + "-verify")) {
            for (dev.ferry.core.cluster.ClusterVerifyPairs.ShardPairs shard : dev.ferry.core.cluster.ClusterVerifyPairs.of(cluster)) {
                out.println("shard " + shard.shard() + " (" + shard.state() + ")");
                if (shard.pairs().isEmpty()) {
                    continue;
                }
                VerifyResult result = new Verifier(options, (compared, total) -> progress.verifyProgress("verify shard "
                        + shard.shard(), compared, total)).verify(shard.pairs());
                print(out, result);
                matches &= result.matches();
            }
        } finally {
            progress.done();
        }
        out.flush();
        return matches ? ExitCode.OK.value() : ExitCode.DIFFERENCES.value();
    }

    /** Before the spec is read or a server contacted: a bad number is a usage error, exit 2. */
    private void checkOptions() {
        Usage usage = new Usage(cmd);
        if (mode.sample != null && mode.sample < 1) {
            throw usage.error("--sample must be at least 1, was " + mode.sample + " (leave it out to compare every key)");
        }
        if (maxOps < 0) {
            throw usage.error("--max-ops must be 0 (no limit) or more, was " + maxOps);
        }
        usage.between("--workers", workers, 1, MAX_WORKERS);
    }

    static void print(PrintWriter out, VerifyResult result) {
        for (PairResult p : result.pairs()) {
            out.printf("%s (%s): %d keys in %.1f s (%.0f keys/s), %s%n", p.pair(), p.mode(), p.keys(),
                    p.took().toMillis() / 1000.0, p.keysPerSecond(),
                    p.matches() ? "match" : p.differences() + " differ " + p.perKind());
            p.perType().forEach((type, n) -> out.printf("  %-7s %d%n", type, n));
            for (Difference d : p.shown()) {
                out.println("  " + d.line());
            }
            if (p.differences() > p.shown().size()) {
                out.printf("  ... %d more (--mismatches FILE lists them all)%n", p.differences() - p.shown().size());
            }
        }
        out.println(result.matches() ? "verify: match" : "verify: " + result.differences() + " differences");
    }
}
