package dev.ferry.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code fleet run|resume|rollback --metrics-port}: one Prometheus endpoint for the whole fleet. */
final class FleetMetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT", description = "serve Prometheus metrics of every pair (each"
            + " labelled with its spec) on http://HOST:PORT/metrics while the fleet runs")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "address the metrics server listens on (default: ${DEFAULT-VALUE})")
    String host;

    /** Checked before the fleet file is read, as run checks its own --metrics-port. */
    void check(CommandSpec cmd) {
        if (port != null) {
            new Usage(cmd).between("--metrics-port", port, 1, 65535);
        }
    }

    /** The fleet's one server, or none without --metrics-port. */
    RunMetrics.Server open() {
        return port == null ? null : new RunMetrics.Server(host, port);
    }
}
