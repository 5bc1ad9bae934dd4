package dev.ferry.bench;

import dev.ferry.core.ExitCode;
import dev.ferry.core.journal.OutputPaths;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The bench scripts' command lines, parsed by picocli as ferry's own is: a bad option or number is one line
 * naming it and pointing at --help (exit 2), --help prints the usage (exit 0), never a stack trace.
 */
final class BenchCli {
    private BenchCli() {
    }

    /** Parses {@code args} into {@code options}; on --help or a usage error prints and exits. */
    static <T> T parseOrExit(T options, String[] args) {
        CommandLine cl = new CommandLine(options);
        PrintWriter err = new PrintWriter(System.err, true);
        Optional<String> problem = problem(cl, args);
        if (problem.isPresent()) {
            err.println(problem.get());
            System.exit(ExitCode.BAD_SPEC.value());
        }
        if (cl.isUsageHelpRequested()) {
            cl.usage(System.out);
            System.exit(0);
        }
        return options;
    }

    /** The one-line error for {@code args}, or empty when they parse; {@code cl} holds the values after. */
    static Optional<String> problem(CommandLine cl, String[] args) {
        String name = cl.getCommandSpec().name();
        try {
            cl.parseArgs(args);
            if (cl.getCommand() instanceof Checked checked) {
                checked.check();
            }
            return Optional.empty();
        } catch (CommandLine.ParameterException e) {
            return Optional.of(name + ": " + e.getMessage() + " (see " + name + " --help)");
        } catch (dev.ferry.core.FerryException e) {
            return Optional.of(name + ": " + e.getMessage());
        }
    }

    /** Options that check their values once parsed (ranges, output paths). */
    interface Checked {
        void check();
    }

    static void positive(CommandLine.Model.CommandSpec spec, String option, int value) {
        if (value <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be positive, was " + value);
        }
    }

    /** The JSON file the bench will write at the end: checked before an hour of benchmarking, not after. */
    static void output(Path out) {
        OutputPaths.file("--out", out);
    }

    static Path defaultOut(String bench) {
        return Path.of("bench/results/" + bench + "-" + java.time.Instant.now().toString().replace(':', '-') + ".json");
    }
}
