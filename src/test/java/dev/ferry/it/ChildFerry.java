package dev.ferry.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ferry in a child JVM, so that a kill or a signal is real: the tests that crash or interrupt a run start it here
 * with the fail-point and signal-point variables they need (and none they inherited).
 */
final class ChildFerry {
    static final Duration LIMIT = Duration.ofSeconds(60);
    private static final List<String> POINT_VARIABLES = List.of("FERRY_FAILPOINT", "FERRY_SIGNALPOINT", "FERRY_SIGNAL", "FERRY_SIGNALS");

    private ChildFerry() {
    }

    static Process start(Rig rig, Map<String, String> env, Path log, String... verb) {
        return startArgs(env, log, rig.args(verb[0], java.util.Arrays.copyOfRange(verb, 1, verb.length)));
    }

    static Process startArgs(Map<String, String> env, Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.ferry.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        POINT_VARIABLES.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The child's exit code; a child that outlives {@link #LIMIT} is killed and fails the test. */
    static int waitFor(Process child) {
        try {
            if (!child.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("ferry did not end within " + LIMIT);
            }
            return child.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String output(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
