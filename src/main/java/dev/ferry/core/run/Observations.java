package dev.ferry.core.run;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.steps.DrainWatch;
import dev.ferry.core.steps.Preflight;
import dev.ferry.core.steps.SyncFromSource;
import dev.ferry.core.steps.VerifyStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report's measurements, gathered from the journal: sync throughput, lag, pause, drain watch, verify. */
final class Observations {
    private Observations() {
    }

    static void addTo(Map<String, Object> report, Journal journal) {
        Object versions = journal.facts(Preflight.NAME).get("versions");
        if (versions != null) {
            report.put("versions", versions);
        }
        report.put("sync", sync(journal.facts(SyncFromSource.NAME)));
        journal.entries().stream().filter(e -> "lag".equals(e.kind())).reduce((x, y) -> y)
                .map(JournalEntry::facts).ifPresent(lag -> report.put("lag", lag));
        Map<String, Object> cutover = journal.facts(Cutover.NAME);
        report.put("writePauseMillis", cutover.getOrDefault("pauseMillis", null));
        report.put("switchMillis", cutover.getOrDefault("switchMillis", null));
        report.put("drainWatch", journal.facts(DrainWatch.NAME));
        Map<String, Object> verify = new LinkedHashMap<>();
        for (String step : List.of(VerifyStep.BEFORE, VerifyStep.AFTER, VerifyStep.FOLLOWER)) {
            Map<String, Object> facts = journal.facts(step);
            if (!facts.isEmpty()) {
                verify.put(step, facts);
            }
        }
        report.put("verify", verify);
    }

    private static Map<String, Object> sync(Map<String, Object> facts) {
        Map<String, Object> sync = new LinkedHashMap<>();
        if (facts.get("keys") instanceof Number keys && facts.get("seconds") instanceof Number seconds) {
            sync.put("keys", keys.longValue());
            sync.put("seconds", seconds.doubleValue());
            sync.put("keysPerSecond", seconds.doubleValue() > 0 ? Math.round(keys.longValue() / seconds.doubleValue()) : null);
        }
        return sync;
    }
}
