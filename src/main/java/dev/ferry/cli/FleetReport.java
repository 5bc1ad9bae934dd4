package dev.ferry.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.fleet.FleetResult;
import dev.ferry.core.fleet.PairOutcome;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.PrivateFiles;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.FleetFile;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet report: a row per pair (outcome, exit code, time, write pause, warnings) as JSON in FILE and Markdown in
 * FILE.md, with each pair's own report beside it as FILE-SPEC.json (the report {@code ferry run --report} writes).
 */
final class FleetReport {
    private FleetReport() {
    }

    static void write(Path file, FleetFile fleet, Path stateDir, FleetResult result) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PairOutcome pair : result.pairs()) {
            Spec spec = fleet.specs().stream().filter(s -> s.name().equals(pair.spec())).findFirst().orElseThrow();
            Map<String, Object> own = Runner.report(spec, Journal.open(stateDir, spec.name(), Clock.systemUTC()));
            Path ownFile = sibling(file, "-" + spec.name() + ".json");
            ReportWriter.write(ownFile, own);
            rows.add(row(pair, own, ownFile));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("fleet", fleet.name());
        report.put("exitCode", result.exitCode());
        report.put("summary", result.summary());
        report.put("parallel", fleet.parallel());
        report.put("onFailure", fleet.onFailure().name());
        report.put("pairs", rows);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.ensure(file);
            Journal.json().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
            Path md = sibling(file, ".md");
            PrivateFiles.ensure(md);
            Files.writeString(md, markdown(report, rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(PairOutcome pair, Map<String, Object> own, Path ownFile) {
        Map<String, Object> row = pair.toMap();
        Map<String, Object> cutover = (Map<String, Object>) own.getOrDefault("cutover", Map.of());
        row.put("status", own.get("status"));
        row.put("pauseMillis", cutover.get("pauseMillis"));
        row.put("switchMillis", cutover.get("switchMillis"));
        row.put("warnings", own.getOrDefault("warnings", List.of()));
        row.put("report", ownFile.getFileName().toString());
        return row;
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> report, List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder("# Fleet " + report.get("fleet") + "\n\n" + report.get("summary")
                + " (exit " + report.get("exitCode") + ", " + report.get("parallel") + " at once)\n\n"
                + "| pair | outcome | exit | journal | time | write pause | warnings | report |\n"
                + "|---|---|---:|---|---:|---:|---:|---|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format("| %s | %s | %s | %s | %.1f s | %s | %d | [%s](%s) |%n", r.get("spec"), r.get("outcome"),
                    r.get("exitCode"), r.get("status"), ((Number) r.get("millis")).longValue() / 1000.0,
                    r.get("pauseMillis") == null ? "-" : r.get("pauseMillis") + " ms", ((List<Object>) r.get("warnings")).size(),
                    r.get("report"), r.get("report")));
        }
        rows.stream().filter(r -> !"DONE".equals(r.get("outcome")) && !"ALREADY_DONE".equals(r.get("outcome")))
                .forEach(r -> md.append("\n- **").append(r.get("spec")).append("**: ").append(r.get("message")));
        return md.append('\n').toString();
    }

    /** The saved status page beside the report. */
    static Path page(Path file) {
        return file.resolveSibling(file.getFileName() + ".html");
    }

    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return file.resolveSibling(suffix.equals(".md") ? name + ".md" : base + suffix);
    }
}
