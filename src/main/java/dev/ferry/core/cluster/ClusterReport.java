package dev.ferry.core.cluster;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report of a cluster move, from its journals: the cluster's status, then a row per shard. */
public final class ClusterReport {
    private ClusterReport() {
    }

    public static Map<String, Object> from(ClusterSpec spec, Journal journal, Path stateDir, Clock clock) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("spec", spec.redacted());
        report.put("status", journal.status().name());
        journal.failedStep().ifPresent(step -> report.put("failedStep", step));
        List<Map<String, Object>> shards = new ArrayList<>();
        for (int i = 0; i < spec.moves().size(); i++) {
            shards.add(shard(spec, i, Journal.open(stateDir, spec.shardName(i), clock)));
        }
        report.put("shards", shards);
        report.put("postChecks", journal.facts(ClusterRunner.POST_CHECKS));
        return report;
    }

    private static Map<String, Object> shard(ClusterSpec spec, int index, Journal journal) {
        ClusterSpec.Move move = spec.moves().get(index);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("shard", index + 1);
        row.put("from", move.from().address());
        row.put("to", move.to().address());
        row.put("status", journal.status().name());
        journal.failedStep().ifPresent(step -> row.put("failedStep", step));
        String last = journal.entries().stream().filter(e -> Journal.STEP.equals(e.kind())).reduce((x, y) -> y)
                .map(JournalEntry::step).orElse("");
        row.put("lastStep", last);
        row.put("switch", journal.facts(ShardSwitch.NAME));
        row.put("journal", journal.file().toString());
        return row;
    }

    /** The report as Markdown: a line for the cluster, a table row per shard. */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> report) {
        Map<String, Object> spec = (Map<String, Object>) report.get("spec");
        StringBuilder out = new StringBuilder();
        out.append("# ferry cluster move ").append(spec.get("name")).append(": ").append(report.get("status"))
                .append("\n\n");
        out.append("old nodes: ").append(spec.get("old-nodes")).append(", parallel: ").append(spec.get("parallel"))
                .append(", max-pause: ").append(spec.get("max-pause")).append("\n\n");
        out.append("| shard | from | to | status | last step | switch attempts | old master learned (ms) |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("shards")) {
            Map<String, Object> sw = (Map<String, Object>) row.getOrDefault("switch", Map.of());
            out.append("| ").append(row.get("shard")).append(" | ").append(row.get("from")).append(" | ")
                    .append(row.get("to")).append(" | ").append(row.get("status"))
                    .append(row.containsKey("failedStep") ? " at " + row.get("failedStep") : "").append(" | ")
                    .append(row.get("lastStep")).append(" | ").append(sw.getOrDefault("attempts", "")).append(" | ")
                    .append(sw.getOrDefault("aLearnedMs", "")).append(" |\n");
        }
        return out.toString();
    }
}
