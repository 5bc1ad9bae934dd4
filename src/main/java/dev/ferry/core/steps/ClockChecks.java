package dev.ferry.core.steps;

import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of the hosts, read through each server's {@code exec} prefix ({@code date +%s%N}) and compared with
 * ferry's own. Keys with a TTL carry an absolute expiry time: on a b whose clock runs ahead they expire early.
 * Hosts without an exec are not compared (there is no way to run anything there).
 */
final class ClockChecks {
    static final String NAME = "clocks";
    private static final Duration MAX_SKEW = Duration.ofSeconds(1);
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(5);

    private ClockChecks() {
    }

    static CheckResult check(Spec spec) {
        List<String> seen = new ArrayList<>();
        for (Endpoint server : spec.servers()) {
            if (server.exec().isEmpty()) {
                continue;
            }
            String label = label(server);
            Reading reading;
            try {
                reading = read(program(spec, server.exec()));
            } catch (ExecFailed e) {
                return CheckResult.warn(NAME, "could not read " + label + "'s clock through exec " + server.exec() + ": "
                        + e.getMessage(), "check " + server.role() + ".exec in the spec: it must run a command on "
                        + label + "'s host");
            }
            if (reading.skew().abs().compareTo(MAX_SKEW.plus(reading.uncertainty())) > 0) {
                return CheckResult.warn(NAME, label + "'s clock is " + describe(reading.skew()) + " ferry's",
                        "synchronise the hosts' clocks (chrony or ntp): keys with a TTL expire by the clock of"
                                + " the server that holds them");
            }
            seen.add(label + " " + describe(reading.skew()));
        }
        return CheckResult.pass(NAME, seen.isEmpty() ? "no host exec in the spec: clocks not compared"
                : String.join(", ", seen) + " ferry's (within " + MAX_SKEW.toMillis() + "ms)");
    }

    /** A relative program path ("./on-host.sh") starts at the spec's folder, like a hook's. */
    private static List<String> program(Spec spec, List<String> exec) {
        List<String> argv = new ArrayList<>(exec);
        String program = argv.get(0);
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            argv.set(0, spec.specDir().resolve(program).normalize().toString());
        }
        return argv;
    }

    private static String label(Endpoint server) {
        return switch (server.role()) {
            case "source" -> "a";
            case "target" -> "b";
            default -> "c";
        };
    }

    private static String describe(Duration skew) {
        long millis = skew.toMillis();
        return Math.abs(millis) + "ms " + (millis >= 0 ? "ahead of" : "behind");
    }

    /** The host's clock minus ferry's at the midpoint of the call; uncertainty is half the call's duration. */
    private record Reading(Duration skew, Duration uncertainty) {
    }

    private static Reading read(List<String> exec) {
        List<String> command = new ArrayList<>(exec);
        command.addAll(List.of("date", "+%s%N"));
        long before = nowNanos();
        String out = run(command);
        long after = nowNanos();
        long remote;
        try {
            remote = Long.parseLong(out.strip());
        } catch (NumberFormatException e) {
            throw new ExecFailed("it printed '" + abbreviate(out.strip()) + "', not the time in nanoseconds");
        }
        long midpoint = before + (after - before) / 2;
        return new Reading(Duration.ofNanos(remote - midpoint), Duration.ofNanos((after - before) / 2));
    }

    private static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(EXEC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ExecFailed("no answer within " + EXEC_TIMEOUT.toSeconds() + "s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new ExecFailed("exit " + p.exitValue() + ": " + abbreviate(out.strip()));
            }
            return out;
        } catch (IOException e) {
            throw new ExecFailed("cannot start " + command.get(0) + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecFailed("interrupted");
        }
    }

    private static String abbreviate(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    private static final class ExecFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExecFailed(String message) {
            super(message);
        }
    }
}
