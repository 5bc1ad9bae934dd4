package dev.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.ForwardingListener;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code run --metrics-port}: the run's progress as Prometheus metrics on {@code http://HOST:PORT/metrics}: the
 * step (one {@code ferry_step} gauge per step, 1 while it runs, 2 once done, -1 failed), replication lag from the
 * canary, sync bytes and keys, the write pause, verify results, each labelled with the spec's name (a fleet's pairs
 * share one endpoint). Passes every event on to the console.
 */
final class RunMetrics extends ForwardingListener implements AutoCloseable {
    private final Server server;
    private final boolean ownsServer;
    private final String spec;
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final AtomicReference<String> currentStep = new AtomicReference<>("");

    /** One run: its own server on HOST:PORT. */
    RunMetrics(RunListener next, String host, int port, String spec, List<String> steps) {
        this(next, new Server(host, port), true, spec, steps);
    }

    /** One pair of a fleet: the fleet's server, every metric labelled with the pair's spec. */
    RunMetrics(RunListener next, Server server, String spec, List<String> steps) {
        this(next, server, false, spec, steps);
    }

    private RunMetrics(RunListener next, Server server, boolean ownsServer, String spec, List<String> steps) {
        super(next);
        this.server = server;
        this.ownsServer = ownsServer;
        this.spec = spec;
        steps.forEach(step -> gauge("ferry_step", "state of the step: 0 not run, 1 running, 2 done, -1 failed", 0,
                "step", step));
    }

    /** The registry and the HTTP endpoint; one per process, shared by the pairs of a fleet. */
    static final class Server implements AutoCloseable {
        private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final HttpServer http;

        Server(String host, int port) {
            this.http = serve(host, port);
        }

        private HttpServer serve(String host, int port) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 0);
                s.createContext("/metrics", exchange -> {
                    byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                s.start();
                return s;
            } catch (IOException e) {
                throw new FerryException(ExitCode.BAD_SPEC, "cannot serve metrics on " + host + ":" + port + ": "
                        + e.getMessage() + ": pick a free port for --metrics-port");
            }
        }

        int port() {
            return http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    int port() {
        return server.port();
    }

    /** A gauge backed by a map entry, so that events only have to put values. */
    private void gauge(String name, String help, double initial, String... tags) {
        String id = name + String.join(",", tags);
        if (values.putIfAbsent(id, initial) == null) {
            Gauge.builder(name, values, v -> v.getOrDefault(id, Double.NaN)).description(help).tags(tags)
                    .tag("spec", spec).register(server.registry);
        }
    }

    private void set(String name, String help, double value, String... tags) {
        gauge(name, help, value, tags);
        values.put(name + String.join(",", tags), value);
    }

    @Override
    public void stepStarted(String step) {
        currentStep.set(step);
        set("ferry_step", "", 1, "step", step);
        super.stepStarted(step);
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        set("ferry_step", "", 2, "step", step);
        set("ferry_step_seconds", "how long the step took", took.toMillis() / 1000.0, "step", step);
        if (facts.get("pauseMillis") instanceof Number pause) {
            set("ferry_write_pause_milliseconds", "how long writes on a were paused at the cutover", pause.doubleValue());
        }
        if (facts.get("offset") instanceof Number offset) {
            set("ferry_replica_offset_bytes", "replication offset a replica reached in a step", offset.doubleValue(),
                    "step", step);
        }
        if (facts.get("differences") instanceof Number diff) {
            set("ferry_verify_differences", "keys that differ after verify", diff.doubleValue(), "step", step);
        }
        super.stepFinished(step, took, facts);
    }

    @Override
    public void stepFailed(String step, String error) {
        set("ferry_step", "", -1, "step", step);
        super.stepFailed(step, error);
    }

    @Override
    public void progress(SyncProgress p) {
        set("ferry_sync_bytes", "bytes of the RDB the replica has received", p.bytesDone(), "replica", p.replica());
        set("ferry_sync_keys", "keys the replica has loaded", p.keysLoaded(), "replica", p.replica());
        set("ferry_sync_lag_bytes", "replication offset the replica is behind", p.lagBytes(), "replica", p.replica());
        super.progress(p);
    }

    @Override
    public void verifyProgress(String step, long compared, long total) {
        set("ferry_verify_keys_compared", "keys a verify step has compared so far", compared, "step", step);
        set("ferry_verify_keys_expected", "keys a verify step is about to compare", total, "step", step);
        super.verifyProgress(step, compared, total);
    }

    @Override
    public void lag(Map<String, Double> lagMillis) {
        lagMillis.forEach((replica, ms) -> set("ferry_replication_lag_milliseconds",
                "heartbeat lag of the replica (-1: not replicating yet)", ms, "replica", replica));
        super.lag(lagMillis);
    }

    @Override
    public void warn(String message) {
        set("ferry_warnings", "warnings so far", values.getOrDefault("ferry_warnings", 0.0) + 1);
        super.warn(message);
    }

    @Override
    public void close() {
        if (ownsServer) {
            server.close();
        }
    }
}
