package dev.ferry.core.host;

import java.time.Duration;

/** What a host command did; output is already redacted; {@code took} is how long the command ran. */
public record ExecResult(String host, String command, int exitCode, boolean timedOut, String stdout, String stderr,
        Duration took) {

    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** stdout of a command that succeeded; {@link HostCommandFailed} with {@link #failure()} otherwise. */
    public String stdoutIfOk() {
        if (!ok()) {
            throw new HostCommandFailed(failure());
        }
        return stdout;
    }

    /** The first line of {@code text}, cut at 160 characters: a few words for an operator, never a whole output. */
    public static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    /** One line for an operator error: which host, what ran, how it ended, the last line it printed. */
    public String failure() {
        String how = timedOut ? "timed out after " + took.toMillis() + "ms" : "exited " + exitCode;
        String last = lastLine(stderr.isBlank() ? stdout : stderr);
        return "on " + host + ", '" + command + "' " + how + (last.isEmpty() ? "" : " (" + last + ")");
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
