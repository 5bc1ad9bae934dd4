package dev.ferry.core.preflight;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostCommandFailed;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ServerHosts;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The clocks of the hosts, read through each server's {@code exec} prefix ({@code date +%s%N}) and compared with
 * ferry's own. Keys with a TTL carry an absolute expiry time: on a b whose clock runs ahead they expire early.
 * Hosts without an exec are not compared (there is no way to run anything there).
 */
public final class ClockChecks {
    static final String NAME = "clocks";
    private static final Duration MAX_SKEW = Duration.ofSeconds(1);

    private ClockChecks() {
    }

    public static CheckResult check(Spec spec) {
        List<String> seen = new ArrayList<>();
        for (Endpoint server : spec.servers()) {
            Optional<HostExec> exec = ServerHosts.of(spec, server);
            if (exec.isEmpty()) {
                continue;
            }
            String label = ServerHosts.label(server);
            Reading reading;
            try {
                reading = read(exec.get());
            } catch (HostCommandFailed e) {
                return CheckResult.warn(NAME, "could not read " + label + "'s clock through exec " + server.exec() + ": "
                        + e.getMessage(), "check " + server.role() + ".exec in the spec: it must run a command on "
                        + label + "'s host");
            }
            if (reading.skew().abs().compareTo(MAX_SKEW.plus(reading.uncertainty())) > 0) {
                return CheckResult.warn(NAME, label + "'s clock is " + describe(reading.skew()) + " ferry's",
                        "synchronise the hosts' clocks (chrony or ntp): keys with a TTL expire by the clock of"
                                + " the server that holds them");
            }
            seen.add(label + " " + describe(reading.skew()) + " ferry's");
        }
        return CheckResult.pass(NAME, seen.isEmpty() ? "no host exec in the spec: clocks not compared"
                : String.join(", ", seen) + " (within " + MAX_SKEW.toMillis() + "ms)");
    }

    private static String describe(Duration skew) {
        long millis = skew.toMillis();
        return Math.abs(millis) + "ms " + (millis >= 0 ? "ahead of" : "behind");
    }

    /** The host's clock minus ferry's at the midpoint of the call; uncertainty is half the call's duration. */
    private record Reading(Duration skew, Duration uncertainty) {
    }

    private static Reading read(HostExec exec) {
        long before = nowNanos();
        ExecResult result = exec.run(List.of("date", "+%s%N"));
        String out = result.stdoutIfOk();
        long after = before + result.took().toNanos(); // how long the command ran, not how long its output took to read
        long remote;
        try {
            remote = Long.parseLong(out.strip());
        } catch (NumberFormatException e) {
            throw new HostCommandFailed("it printed '" + ExecResult.firstLine(out.strip()) + "', not the time in nanoseconds");
        }
        long midpoint = before + (after - before) / 2;
        return new Reading(Duration.ofNanos(remote - midpoint), Duration.ofNanos((after - before) / 2));
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
