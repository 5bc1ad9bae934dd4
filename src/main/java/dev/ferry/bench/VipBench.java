package dev.ferry.bench;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.NetnsBed;
import dev.ferry.testkit.NsRedis;
import dev.ferry.testkit.SynCapture;
import dev.ferry.testkit.VipDemo;
import dev.ferry.testkit.Writers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cutover bench's rows through a keepalived VIP in network namespaces: each run moves the VIP from a to b
 * (ferry run) and, with {@code --rollback}, back (ferry rollback), under two kinds of writers through the VIP:
 * ones that keep a connection and reconnect at once after an error, and ones that open a connection per request.
 * A tcpdump on the clients' link measures every connection attempt's wait for an answer (SYN-ACK or reset).
 */
final class VipBench {
    private final BenchArgs opts;
    private final PrintStream out;

    VipBench(BenchArgs opts, PrintStream out) {
        this.opts = opts;
        this.out = out;
    }

    /** One direction of one run: the longest gap of each writer kind, lost writes, the capture. */
    record Move(long gapMillis, long reconnectGapMillis, long perRequestGapMillis, Map<String, Long> errors, long lost,
            boolean completed, SynCapture.Result syn, Object pauseMillis, Object switchMillis) {
    }

    /** Rows named "netns MODE" (and "netns MODE back"), each a summary as CutoverBench prints them. */
    Map<String, Object> run(DemoConfig base) {
        Map<String, Object> rows = new LinkedHashMap<>();
        for (String mode : opts.netnsModes()) {
            List<Move> forward = new ArrayList<>();
            List<Move> back = new ArrayList<>();
            for (int i = 0; i < opts.runs(); i++) {
                List<Move> moves = once(base.withMode(mode));
                forward.add(moves.get(0));
                print("netns " + mode, i, moves.get(0));
                if (moves.size() > 1) {
                    back.add(moves.get(1));
                    print("netns " + mode + " back", i, moves.get(1));
                }
            }
            rows.put("netns " + mode, summary(forward));
            if (!back.isEmpty()) {
                rows.put("netns " + mode + " back", summary(back));
            }
        }
        return rows;
    }

    private void print(String row, int i, Move m) {
        out.printf("%-20s run %2d/%d: gap %4d ms (reconnecting %d, per request %d; pause %s ms, VIP seen on the new"
                + " master after %s ms), lost %d%s%s%n", row, i + 1, opts.runs(), m.gapMillis(), m.reconnectGapMillis(),
                m.perRequestGapMillis(), m.pauseMillis(), m.switchMillis(), m.lost(),
                m.syn() == null ? "" : ", SYNs " + m.syn().syns() + " longest wait " + m.syn().longestWaitMillis()
                        + " ms, unanswered " + m.syn().unanswered() + " (oldest " + m.syn().longestOpenMillis()
                        + " ms), capture dropped " + m.syn().droppedByKernel(), m.completed() ? "" : ", NOT COMPLETED");
    }

    private List<Move> once(DemoConfig config) {
        List<Move> moves = new ArrayList<>();
        try (VipDemo demo = new VipDemo(config, !opts.plainSwap())) {
            demo.start(line -> { });
            Path spec = demo.writeSpec(Duration.ofSeconds(15));
            demo.startWriters();
            moves.add(measured(demo, "b", l -> demo.runFerry(spec, l).status() == RunStatus.COMPLETED));
            if (opts.rollback()) {
                moves.add(measured(demo, "a", l -> {
                    demo.rollback(spec, l);
                    return true;
                }));
            }
            demo.stopWriters();
        }
        return moves;
    }

    private interface Step {
        boolean run(RunListener listener);
    }

    /**
     * Starts the writers' gap measurement afresh when the cutover (or switch-back) step starts: the gap the move
     * causes, not a stall of this crowded machine during preflight or the sync, which the loopback rows measure.
     */
    private static RunListener resetGapsAtCutover(VipDemo demo) {
        return new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (step.equals(dev.ferry.core.cutover.Cutover.NAME) || step.equals("switch-back")) {
                    demo.allWriters().forEach(Writers::resetLongestGap);
                }
            }
        };
    }

    /** Runs {@code step} under the writers and a capture, then checks every acknowledged write is on {@code master}. */
    private Move measured(VipDemo demo, String master, Step step) {
        NetnsBed bed = demo.bed();
        demo.allWriters().forEach(Writers::resetLongestGap);
        SynCapture capture = opts.capture() ? SynCapture.start(bed.clientInterface(), bed.vip(), NsRedis.PORT) : null;
        boolean completed;
        try {
            completed = step.run(resetGapsAtCutover(demo));
            // the writers' first writes after the move end their gaps
            Thread.sleep(demo.writers().config().socketTimeout().toMillis() / 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (capture != null) {
                capture.stop();
            }
        }
        Map<String, Long> errors = new TreeMap<>();
        demo.allWriters().forEach(w -> w.stats().errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        long reconnecting = demo.writers().stats().longestGap().toMillis();
        long perRequest = demo.perRequestWriters().stats().longestGap().toMillis();
        Map<String, Object> facts = lastCutoverFacts(demo);
        return new Move(Math.max(reconnecting, perRequest), reconnecting, perRequest, errors, demo.lostOn(master),
                completed, capture == null ? null : capture.result(), facts.get("pauseMillis"), facts.get("switchMillis"));
    }

    /**
     * The facts of the last cutover or switch-back the journal completed: its pause (fence to unpause) and the VIP
     * move as ferry saw it (from the FAULT until the VIP answered as the new master, polls included).
     */
    private static Map<String, Object> lastCutoverFacts(VipDemo demo) {
        List<dev.ferry.core.journal.JournalEntry> entries = dev.ferry.core.journal.Journal.open(
                demo.bed().dir().resolve(".ferry"), "vip-demo", java.time.Clock.systemUTC()).entries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            dev.ferry.core.journal.JournalEntry e = entries.get(i);
            if ("COMPLETED".equals(e.status()) && (dev.ferry.core.cutover.Cutover.NAME.equals(e.step())
                    || "switch-back".equals(e.step()))) {
                return e.facts();
            }
        }
        return Map.of();
    }

    private static Map<String, Object> summary(List<Move> moves) {
        List<Long> gaps = moves.stream().map(Move::gapMillis).sorted().toList();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", moves.size());
        s.put("pauseP50Millis", CutoverBench.percentile(gaps, 50));
        s.put("pauseP100Millis", gaps.get(gaps.size() - 1));
        s.put("pauseMinMillis", gaps.get(0));
        s.put("reconnectingP100Millis", moves.stream().mapToLong(Move::reconnectGapMillis).max().orElse(0));
        s.put("perRequestP100Millis", moves.stream().mapToLong(Move::perRequestGapMillis).max().orElse(0));
        s.put("gapsMillis", moves.stream().map(Move::gapMillis).toList());
        s.put("pauseMillis", moves.stream().map(m -> String.valueOf(m.pauseMillis())).toList());
        s.put("vipSeenOnNewMasterMillis", moves.stream().map(m -> String.valueOf(m.switchMillis())).toList());
        Map<String, Long> errors = new TreeMap<>();
        moves.forEach(m -> m.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
        s.put("errors", errors);
        s.put("lostAcknowledged", moves.stream().mapToLong(Move::lost).sum());
        s.put("divergentKeysBC", "-");
        s.put("notCompleted", moves.stream().filter(m -> !m.completed()).count());
        List<SynCapture.Result> syn = moves.stream().map(Move::syn).filter(java.util.Objects::nonNull).toList();
        if (!syn.isEmpty()) {
            s.put("synsToVip", syn.stream().mapToLong(SynCapture.Result::syns).sum());
            s.put("connectionsAnswered", syn.stream().mapToLong(SynCapture.Result::connections).sum());
            s.put("synLongestWaitMillis", syn.stream().mapToLong(SynCapture.Result::longestWaitMillis).max().orElse(0));
            s.put("synUnansweredAtEnd", syn.stream().mapToLong(SynCapture.Result::unanswered).sum());
            s.put("synLongestOpenAtEndMillis", syn.stream().mapToLong(SynCapture.Result::longestOpenMillis).max().orElse(0));
            boolean counted = syn.stream().allMatch(r -> r.droppedByKernel() >= 0);
            s.put("captureDroppedByKernel", counted ? syn.stream().mapToLong(SynCapture.Result::droppedByKernel).sum()
                    : "unknown");
        }
        return s;
    }
}
