package dev.ferry.cli;

import dev.ferry.core.spec.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Checks of command-line numbers, made before a spec is read or a server contacted: a bad value is a usage
 * error (exit 2, one line naming the option and what it takes), never a stack trace.
 */
final class Usage {
    private final CommandLine commandLine;

    Usage(CommandLine.Model.CommandSpec spec) {
        this.commandLine = spec.commandLine();
    }

    int between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw error(option + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    Duration duration(String option, String text, Duration min, Duration max) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error("invalid " + option + ": " + e.getMessage());
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(option + " must be between " + Durations.format(min) + " and " + Durations.format(max)
                    + ", was " + text);
        }
        return d;
    }

    CommandLine.ParameterException error(String message) {
        return new CommandLine.ParameterException(commandLine, message);
    }
}
