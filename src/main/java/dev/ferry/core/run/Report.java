package dev.ferry.core.run;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.spec.Spec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run report, built from the journal alone so that it says what happened, not what was meant to. */
public final class Report {
    private Report() {
    }

    public static Map<String, Object> from(Spec spec, Journal journal) {
        List<JournalEntry> entries = journal.entries();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("spec", spec.redacted());
        report.put("status", journal.status().name());
        if (!entries.isEmpty()) {
            report.put("started", entries.get(0).time().toString());
            report.put("ended", entries.get(entries.size() - 1).time().toString());
        }
        report.put("steps", steps(spec, journal));
        report.put("cutover", cutover(journal));
        report.put("configs", configs(entries));
        report.put("warnings", entries.stream().filter(e -> "warning".equals(e.kind()))
                .map(e -> String.valueOf(e.fact("message"))).distinct().toList());
        entries.stream().filter(e -> Journal.END.equals(e.kind()) && e.fact("why") != null).reduce((x, y) -> y)
                .ifPresent(e -> report.put("why", e.fact("why")));
        Observations.addTo(report, journal);
        return report;
    }

    private static List<Map<String, Object>> steps(Spec spec, Journal journal) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (String name : Runner.stepNames(spec)) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", name);
            Instant started = null;
            Instant ended = null;
            String status = "NOT RUN";
            for (JournalEntry e : journal.entries()) {
                if (!Journal.STEP.equals(e.kind()) || !name.equals(e.step())) {
                    continue;
                }
                if ("STARTED".equals(e.status())) {
                    started = e.time();
                }
                if ("COMPLETED".equals(e.status()) || "FAILED".equals(e.status())) {
                    ended = e.time();
                    status = e.status();
                }
            }
            step.put("status", started != null && ended == null ? "STARTED" : status);
            if (started != null) {
                step.put("started", started.toString());
            }
            if (started != null && ended != null) {
                step.put("millis", Duration.between(started, ended).toMillis());
            }
            step.put("facts", journal.facts(name));
            steps.add(step);
        }
        return steps;
    }

    private static Map<String, Object> cutover(Journal journal) {
        Map<String, Object> facts = journal.facts(Cutover.NAME);
        Map<String, Object> cutover = new LinkedHashMap<>();
        for (String key : List.of("fence", "gateWaitMillis", "capturedOffset", "catchUpMillis", "promotedAfterMillis",
                "pauseMillis", "phasesMillis",
                "switchMillis", "switchLog", "clientsClosed", "detached", "drainMillis", "aBytesAfterPromotion", "keysOnBNotOnC",
                "keysOnBNotOnCSample", "why", "followPath", "followBackRefused", "wayOut")) {
            if (facts.containsKey(key)) {
                cutover.put(key, facts.get(key));
            }
        }
        cutover.put("bPromoted", Cutover.promoted(journal));
        return cutover;
    }

    private static Map<String, Object> configs(List<JournalEntry> entries) {
        List<Map<String, Object>> restored = new ArrayList<>();
        List<Map<String, Object>> left = new ArrayList<>();
        for (JournalEntry e : entries) {
            if ("RESTORED".equals(e.status())) {
                restored.add(e.facts());
            } else if ("LEFT".equals(e.status())) {
                left.add(e.facts());
            } else if ("MASTERAUTH".equals(e.status())) {
                left.add(Map.of("server", e.fact("server"), "key", "masterauth", "why", e.fact("why")));
            }
        }
        return Map.of("restored", restored, "left", left);
    }
}
