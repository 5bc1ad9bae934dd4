package dev.ferry.cli;

import dev.ferry.core.journal.OutputPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags {@code run} and {@code resume} share. */
final class RunFlags {
    @Option(names = "--yes", description = "do not ask before destructive steps (never implies --force-wipe-target)")
    boolean yes;

    @Option(names = "--accept-divergence", description = "cutover mode drain only: accept that a and b both take writes "
            + "(writes on b never reach c, writes on a after b's promotion are lost); measured and reported")
    boolean acceptDivergence;

    @Option(names = "--accept-timed-fence", description = "sync method logical only: accept that a's only fence is a "
            + "timed CLIENT PAUSE WRITE (a refuses CONFIG), which ends with max-pause even if ferry dies")
    boolean acceptTimedFence;

    @Option(names = "--report", paramLabel = "FILE", description = "write the run report: JSON to FILE, Markdown to FILE.md, a plot to FILE.svg")
    Path report;

    @picocli.CommandLine.Mixin
    UiOptions ui = new UiOptions();

    /** --report FILE and its .md and .svg siblings, checked before any server is contacted; null when not asked for. */
    Path checkedReport() {
        if (report != null) {
            for (String suffix : new String[] {"", ".md", ".svg"}) {
                OutputPaths.file("--report", report.resolveSibling(report.getFileName() + suffix));
            }
        }
        return report;
    }
}
