package dev.ferry.cli;

import dev.ferry.core.procedure.ForwardingListener;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the status page shows, collected from the runs' events: per pair its step, sync progress and ETA,
 * replication lag, write pause, switch time, warnings and errors; for a fleet, the totals and the time left.
 * Read-only by construction: it only listens.
 */
final class StatusBoard {
    private final Map<String, Pair> pairs = new LinkedHashMap<>();
    private final int parallel;
    private final long startedNanos = System.nanoTime();

    StatusBoard(List<String> specs, int parallel) {
        specs.forEach(s -> pairs.put(s, new Pair(s)));
        this.parallel = parallel;
    }

    /** The listener for one pair: records, then passes every event on to {@code next}. */
    RunListener listener(String spec, RunListener next) {
        return pairs.get(spec).listening(next);
    }

    /** For a fleet: the pair's outcome once its command returned. */
    void ended(String spec, String outcome, int exitCode) {
        Pair p = pairs.get(spec);
        synchronized (p) {
            p.outcome = outcome;
            p.exitCode = exitCode;
            p.running = false;
        }
    }

    synchronized Map<String, Object> snapshot() {
        List<Map<String, Object>> rows = new ArrayList<>();
        int done = 0;
        int failed = 0;
        int running = 0;
        long finishedMillis = 0;
        for (Pair p : pairs.values()) {
            Map<String, Object> row = p.row();
            rows.add(row);
            if ("failed".equals(row.get("state"))) {
                failed++;
            } else if ("done".equals(row.get("state"))) {
                done++;
                finishedMillis += p.elapsedMillis();
            } else if ("running".equals(row.get("state"))) {
                running++;
            }
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("pairs", pairs.size());
        totals.put("done", done);
        totals.put("failed", failed);
        totals.put("running", running);
        totals.put("waiting", pairs.size() - done - failed - running);
        totals.put("elapsedSeconds", (System.nanoTime() - startedNanos) / 1_000_000_000);
        long left = pairs.size() - done - failed;
        totals.put("etaSeconds", done == 0 ? null : Math.round(finishedMillis / (double) done / 1000.0
                * Math.ceil(left / (double) Math.max(1, parallel))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("totals", totals);
        out.put("pairs", rows);
        return out;
    }

    /** One pair's live state; guarded by itself (its run's thread writes, the page's thread reads). */
    private static final class Pair {
        final String spec;
        String step = "waiting";
        String stepState = "";
        boolean running;
        long startedNanos;
        long endedNanos;
        String outcome = "";
        int exitCode = -1;
        Map<String, Object> sync = Map.of();
        Map<String, Double> lag = Map.of();
        Object pauseMillis;
        Object switchMillis;
        final List<String> warnings = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        Pair(String spec) {
            this.spec = spec;
        }

        long elapsedMillis() {
            return startedNanos == 0 ? 0 : ((endedNanos == 0 ? System.nanoTime() : endedNanos) - startedNanos) / 1_000_000;
        }

        synchronized Map<String, Object> row() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("spec", spec);
            row.put("state", state());
            row.put("step", step);
            row.put("stepState", stepState);
            row.put("seconds", elapsedMillis() / 1000.0);
            row.put("sync", sync);
            row.put("lagMillis", lag);
            row.put("pauseMillis", pauseMillis);
            row.put("switchMillis", switchMillis);
            row.put("warnings", List.copyOf(warnings));
            row.put("errors", List.copyOf(errors));
            row.put("outcome", outcome);
            row.put("exitCode", exitCode);
            return row;
        }

        private String state() {
            if (!outcome.isEmpty()) {
                return outcome.equals("DONE") || outcome.equals("ALREADY_DONE") ? "done" : outcome.equals("FAILED") ? "failed" : "skipped";
            }
            return running ? "running" : startedNanos == 0 ? "waiting" : errors.isEmpty() ? "done" : "failed";
        }

        RunListener listening(RunListener next) {
            Pair p = this;
            return new ForwardingListener(next) {
                @Override
                public void stepStarted(String name) {
                    synchronized (p) {
                        if (startedNanos == 0) {
                            startedNanos = System.nanoTime();
                        }
                        running = true;
                        step = name;
                        stepState = "running";
                    }
                    super.stepStarted(name);
                }

                @Override
                public void stepFinished(String name, Duration took, Map<String, Object> facts) {
                    synchronized (p) {
                        stepState = "done";
                        endedNanos = System.nanoTime();
                        if (facts.containsKey("pauseMillis")) {
                            pauseMillis = facts.get("pauseMillis");
                        }
                        if (facts.containsKey("switchMillis")) {
                            switchMillis = facts.get("switchMillis");
                        }
                    }
                    super.stepFinished(name, took, facts);
                }

                @Override
                public void stepFailed(String name, String error) {
                    synchronized (p) {
                        stepState = "failed";
                        endedNanos = System.nanoTime();
                        running = false;
                        errors.add(name + ": " + error);
                    }
                    super.stepFailed(name, error);
                }

                @Override
                public void progress(SyncProgress s) {
                    synchronized (p) {
                        sync = syncRow(s);
                    }
                    super.progress(s);
                }

                @Override
                public void lag(Map<String, Double> lagMillis) {
                    synchronized (p) {
                        lag = Map.copyOf(lagMillis);
                    }
                    super.lag(lagMillis);
                }

                @Override
                public void warn(String message) {
                    synchronized (p) {
                        warnings.add(message);
                    }
                    super.warn(message);
                }
            };
        }

        /** Keys and bytes so far, and the ETA at the rate of the sync so far. */
        private static Map<String, Object> syncRow(SyncProgress s) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("replica", s.replica());
            row.put("phase", s.phase());
            row.put("keysLoaded", s.keysLoaded());
            row.put("keysTotal", s.keysTotal());
            row.put("lagBytes", s.lagBytes());
            double seconds = s.elapsed().toMillis() / 1000.0;
            long left = s.keysTotal() - s.keysLoaded();
            row.put("etaSeconds", s.done() || s.keysLoaded() <= 0 || seconds <= 0 ? 0
                    : Math.round(left / (s.keysLoaded() / seconds)));
            return row;
        }
    }
}
