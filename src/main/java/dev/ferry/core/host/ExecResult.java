package dev.ferry.core.host;

import java.time.Duration;

/** What a host command did; output is already redacted. */
public record ExecResult(String host, String command, int exitCode, boolean timedOut, String stdout, String stderr,
        Duration took) {

    public boolean ok() {
        return !timedOut && exitCode == 0;
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
