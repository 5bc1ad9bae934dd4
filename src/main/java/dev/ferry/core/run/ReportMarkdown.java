package dev.ferry.core.run;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The report as Markdown for a change ticket: what moved, how long each step took, the pause, lag, verify. */
public final class ReportMarkdown {
    private static final int FACTS_WIDTH = 160;

    private ReportMarkdown() {
    }

    /** {@code plotFile} is the SVG written beside the Markdown (linked, so the file stays readable as text). */
    @SuppressWarnings("unchecked")
    public static String render(Map<String, Object> report, String plotFile) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> spec = map(report.get("spec"));
        md.append("# ferry report: ").append(spec.getOrDefault("name", "?")).append("\n\n");
        md.append("Status: **").append(report.get("status")).append("**, started ").append(report.get("started"))
                .append(", ended ").append(report.get("ended")).append("\n\n");
        if (report.get("why") != null) {
            md.append("Why: ").append(report.get("why")).append("\n\n");
        }
        servers(md, spec, report);
        steps(md, (List<Object>) report.getOrDefault("steps", List.of()));
        cutover(md, report);
        lag(md, report, plotFile);
        drainWatch(md, map(report.get("drainWatch")));
        verify(md, map(report.get("verify")));
        list(md, "Configs left in place", (List<Object>) map(report.get("configs")).getOrDefault("left", List.of()));
        list(md, "Warnings", (List<Object>) report.getOrDefault("warnings", List.of()));
        return md.toString();
    }

    private static void servers(StringBuilder md, Map<String, Object> spec, Map<String, Object> report) {
        md.append("## Servers\n\n| role | server |\n|---|---|\n");
        for (String role : List.of("source", "target", "backup")) {
            if (spec.get(role) != null) {
                Map<String, Object> e = map(spec.get(role));
                md.append("| ").append(role).append(" | ").append(cell(e.getOrDefault("host", "?") + ":"
                        + e.getOrDefault("port", "?"))).append(" |\n");
            }
        }
        md.append("\nVersions: ").append(report.getOrDefault("versions", "unknown")).append("\n\n");
        Map<String, Object> sync = map(report.get("sync"));
        if (!sync.isEmpty()) {
            md.append("Sync: ").append(sync.get("keys")).append(" keys in ").append(sync.get("seconds"))
                    .append(" s (").append(sync.get("keysPerSecond")).append(" keys/s)\n\n");
        }
    }

    private static void steps(StringBuilder md, List<Object> steps) {
        md.append("## Steps\n\n| step | status | started | ms | facts |\n|---|---|---|---:|---|\n");
        for (Object o : steps) {
            Map<String, Object> s = map(o);
            md.append("| ").append(cell(s.get("name"))).append(" | ").append(s.get("status")).append(" | ")
                    .append(cell(s.getOrDefault("started", ""))).append(" | ").append(s.getOrDefault("millis", ""))
                    .append(" | ").append(cell(brief(map(s.get("facts"))))).append(" |\n");
        }
        md.append('\n');
    }

    private static void cutover(StringBuilder md, Map<String, Object> report) {
        Map<String, Object> c = map(report.get("cutover"));
        md.append("## Cutover\n\n");
        md.append("- write pause on a: ").append(orDash(report.get("writePauseMillis"))).append(" ms\n");
        md.append("- b caught up after: ").append(orDash(c.get("catchUpMillis"))).append(" ms\n");
        md.append("- traffic switch took: ").append(orDash(report.get("switchMillis"))).append(" ms\n");
        if (c.containsKey("switchLog")) {
            md.append("- switch output: ").append(c.get("switchLog")).append('\n');
        }
        md.append("- fence: ").append(orDash(c.get("fence"))).append("\n\n");
    }

    private static void lag(StringBuilder md, Map<String, Object> report, String plotFile) {
        Map<String, Object> lag = map(report.get("lag"));
        md.append("## Replication lag\n\n");
        if (lag.isEmpty()) {
            md.append("No heartbeat was measured.\n\n");
            return;
        }
        md.append("Heartbeat key `").append(lag.get("key")).append("` on a, read on b and c, from the sync up to the ")
                .append("cutover fence (then deleted).\n\n");
        md.append("- max lag: ").append(lag.get("maxLagMillis")).append(" ms\n");
        md.append("- last lag before the fence: ").append(lag.get("lastLagMillis")).append(" ms\n\n");
        md.append("![lag and throughput over time](").append(plotFile).append(")\n\n");
    }

    private static void drainWatch(StringBuilder md, Map<String, Object> drain) {
        md.append("## Drain watch: clients still on a\n\n");
        Map<String, Object> peak = map(drain.get("peakClientsPerAddress"));
        Map<String, Object> remaining = map(drain.get("remainingClientsPerAddress"));
        if (peak.isEmpty() && remaining.isEmpty()) {
            md.append("No application client stayed on a.\n\n");
            return;
        }
        md.append("| client address | peak | remaining |\n|---|---:|---:|\n");
        peak.forEach((address, n) -> md.append("| ").append(cell(address)).append(" | ").append(n).append(" | ")
                .append(remaining.getOrDefault(address, 0)).append(" |\n"));
        md.append('\n');
    }

    @SuppressWarnings("unchecked")
    private static void verify(StringBuilder md, Map<String, Object> verify) {
        md.append("## Verify\n\n");
        if (verify.isEmpty()) {
            md.append("No verify step ran.\n\n");
            return;
        }
        md.append("| step | pair | mode | keys | differences | keys per type |\n|---|---|---|---:|---:|---|\n");
        verify.forEach((step, facts) -> {
            for (Object o : (List<Object>) map(facts).getOrDefault("pairs", List.of())) {
                Map<String, Object> p = map(o);
                md.append("| ").append(cell(step)).append(" | ").append(p.get("pair")).append(" | ").append(p.get("mode"))
                        .append(" | ").append(p.get("keys")).append(" | ").append(p.get("differences")).append(" | ")
                        .append(cell(String.valueOf(p.get("per-type")))).append(" |\n");
            }
        });
        md.append('\n');
    }

    private static void list(StringBuilder md, String title, List<Object> items) {
        md.append("## ").append(title).append("\n\n");
        if (items.isEmpty()) {
            md.append("None.\n\n");
            return;
        }
        items.forEach(i -> md.append("- ").append(i).append('\n'));
        md.append('\n');
    }

    private static String brief(Map<String, Object> facts) {
        String s = facts.entrySet().stream().filter(e -> !e.getKey().equals("pairs"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return s.length() > FACTS_WIDTH ? s.substring(0, FACTS_WIDTH) + "..." : s;
    }

    private static String cell(Object o) {
        return String.valueOf(o).replace("|", "\\|").replace("\n", " ");
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
