package dev.ferry.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.run.ReportMarkdown;
import dev.ferry.core.run.ReportPlot;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Writes the JSON report and prints its short form. */
final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * After a run, whatever its outcome: a report that cannot be written (a disk filled up during the run) must
     * neither hide the run's own result nor end in a stack trace. The journal holds everything the report shows.
     */
    static void writeOrWarn(PrintWriter err, Path file, Spec spec, Path stateDir) {
        try {
            write(file, spec, stateDir);
        } catch (UncheckedIOException e) {
            err.println("ferry: WARN: cannot write report " + file + " (" + e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage() + "): free space or fix the path, then ferry status SPEC shows the run;"
                    + " the journal in " + stateDir + " is intact");
            err.flush();
        }
    }

    static void write(Path file, Spec spec, Path stateDir) {
        write(file, Runner.report(spec, Journal.open(stateDir, spec.name(), Clock.systemUTC())));
    }

    /** FILE gets the JSON; FILE.md the Markdown, linking FILE.svg, the plot of lag and throughput. */
    static void write(Path file, Map<String, Object> report) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            dev.ferry.core.journal.PrivateFiles.ensure(file);
            Journal.json().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
            Path svg = sibling(file, ".svg");
            Files.writeString(svg, ReportPlot.svg(series(report)));
            Files.writeString(sibling(file, ".md"), ReportMarkdown.render(report, svg.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    @SuppressWarnings("unchecked")
    private static List<List<Number>> series(Map<String, Object> report) {
        Object lag = report.get("lag");
        if (lag instanceof Map<?, ?> m && m.get("series") instanceof List<?> rows) {
            return (List<List<Number>>) rows;
        }
        return List.of();
    }

    @SuppressWarnings("unchecked")
    static void summary(PrintWriter out, Map<String, Object> report) {
        out.println();
        out.println("Result: " + report.get("status"));
        Map<String, Object> cutover = (Map<String, Object>) report.getOrDefault("cutover", Map.of());
        if (cutover.containsKey("pauseMillis")) {
            out.println("  write pause on a: " + cutover.get("pauseMillis") + " ms (fence to unpause), b caught up in "
                    + cutover.get("catchUpMillis") + " ms");
        }
        if (cutover.containsKey("switchMillis")) {
            out.println("  traffic switch: " + cutover.get("switchMillis") + " ms (for a keepalived switch: priority "
                    + "swap and reloads until the VIP answers as b)");
        }
        Object writers = report.get("writers");
        if (writers instanceof Map<?, ?> w) {
            out.println("  writers: " + w.get("acknowledged") + " acknowledged writes, lost on b: " + w.get("lostOnB")
                    + ", lost on c: " + w.get("lostOnC") + ", longest gap a writer saw: " + w.get("longestGapMillis")
                    + " ms, errors: " + w.get("errors"));
        }
        for (Object warning : (List<Object>) report.getOrDefault("warnings", List.of())) {
            out.println("  WARN: " + warning);
        }
        Map<String, Object> configs = (Map<String, Object>) report.getOrDefault("configs", Map.of());
        for (Object left : (List<Object>) configs.getOrDefault("left", List.of())) {
            out.println("  left in place: " + left);
        }
        out.flush();
    }
}
