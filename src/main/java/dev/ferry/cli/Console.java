package dev.ferry.cli;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Prints a run as it goes: a progress bar on a terminal, plain timestamped lines otherwise. */
final class Console implements RunListener {
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(2).toNanos();
    private final PrintWriter out;
    private final boolean tty;
    private ProgressBar bar;
    private long lastLine;
    private long lastLag;

    Console(PrintWriter out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    static boolean isTerminal() {
        return System.console() != null;
    }

    @Override
    public void stepStarted(String step) {
        out.println("==> " + step);
        out.flush();
    }

    @Override
    public void stepFinished(String step, Duration took, Map<String, Object> facts) {
        closeBar();
        out.printf("    done in %.1fs%n", took.toMillis() / 1000.0);
        facts.forEach((k, v) -> out.println("      " + k + ": " + v));
        out.flush();
    }

    @Override
    public void stepFailed(String step, String error) {
        closeBar();
        out.println("    FAILED: " + error);
        out.flush();
    }

    @Override
    public void lag(Map<String, Double> lagMillis) {
        if (System.nanoTime() - lastLag > LOG_EVERY_NANOS && lagMillis.values().stream().anyMatch(ms -> ms >= 0)) {
            lastLag = System.nanoTime();
            out.println("    lag: " + lagMillis.entrySet().stream()
                    .map(e -> e.getKey() + " " + (e.getValue() < 0 ? "-" : e.getValue() + " ms"))
                    .collect(Collectors.joining(", ")));
            out.flush();
        }
    }

    @Override
    public void progress(SyncProgress p) {
        if (tty) {
            showBar(p);
        } else if (p.done() || System.nanoTime() - lastLine > LOG_EVERY_NANOS) {
            lastLine = System.nanoTime();
            out.println("    " + line(p));
            out.flush();
        }
    }

    private void showBar(SyncProgress p) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(p.replica() + " sync").setStyle(ProgressBarStyle.ASCII)
                    .setInitialMax(Math.max(1, p.keysTotal())).setUnit(" keys", 1).continuousUpdate().build();
        }
        bar.maxHint(Math.max(1, p.keysTotal()));
        bar.stepTo(Math.min(p.keysLoaded(), Math.max(1, p.keysTotal())));
        bar.setExtraMessage(p.phase() + (p.lagBytes() >= 0 ? " lag " + p.lagBytes() + "B" : ""));
    }

    @Override
    public void verifyProgress(String step, long compared, long total) {
        if (tty) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName(step).setStyle(ProgressBarStyle.ASCII)
                        .setInitialMax(Math.max(1, total)).setUnit(" keys", 1).continuousUpdate().build();
            }
            bar.maxHint(Math.max(1, total));
            bar.stepTo(Math.min(compared, Math.max(1, total)));
        } else if (compared >= total || System.nanoTime() - lastLine > LOG_EVERY_NANOS) {
            lastLine = System.nanoTime();
            out.println("    " + step + ": " + compared + "/" + total + " keys compared");
            out.flush();
        }
    }

    /** The bar of a verify outside a run: closed before the results are printed. */
    void done() {
        closeBar();
    }

    private static String line(SyncProgress p) {
        // a diskless sync streams an RDB of unknown size: then only keys and lag are honest figures
        String bytes = p.bytesTotal() > 0 ? ", " + p.bytesDone() + "/" + p.bytesTotal() + " bytes"
                : p.bytesDone() > 0 ? ", " + p.bytesDone() + " bytes" : "";
        return String.format("%s: %s%s, keys %d/%d%s, %.1fs", p.replica(), p.phase(), bytes, p.keysLoaded(),
                p.keysTotal(), p.lagBytes() >= 0 ? ", lag " + p.lagBytes() + " bytes" : "", p.elapsed().toMillis() / 1000.0);
    }

    @Override
    public void note(String message) {
        out.println("    " + message);
        out.flush();
    }

    @Override
    public void warn(String message) {
        out.println("    WARN: " + message);
        out.flush();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
