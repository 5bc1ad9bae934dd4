package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.run.RunResult;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.WriterStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, done when: 20 consecutive pause cutovers under load (writers, 30% EVAL) with 0 lost acknowledged
 * writes on b and on c, and c never fully resynced. Each cutover is a real run on fresh servers.
 */
class PauseCutoverIT {
    private static final int CUTOVERS = 20;

    @Test
    void twentyCutoversUnderLoadLoseNothing() {
        List<Long> gaps = new ArrayList<>();
        List<Double> pauses = new ArrayList<>();
        for (int i = 1; i <= CUTOVERS; i++) {
            try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
                rig.startWriters();
                RunResult result = rig.run(false, RunListener.SILENT);
                rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 200, java.time.Duration.ofSeconds(10));
                Rig.Verdict verdict = rig.stopAndCheck();
                WriterStats stats = rig.writers().stats();

                assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
                verdict.assertNothingLost();
                assertThat(Roles.usedEval(rig.a())).as("writers used EVAL on a too").isTrue();
                assertThat(postCheck(result, "cResync")).as("cutover %d: c's resync", i).doesNotStartWith("full");
                assertThat(Roles.stat(rig.b(), "sync_full")).as("b served one full sync: c's, before the cutover").isEqualTo(1);
                long gap = stats.longestGap().toMillis();
                double pause = ((Number) cutover(result).get("pauseMillis")).doubleValue();
                gaps.add(gap);
                pauses.add(pause);
                System.out.printf("cutover %2d: pause %.2f ms, longest writer gap %d ms, %d acknowledged, lost 0 (b: %d, c: %d checked), cResync=%s%n",
                        i, pause, gap, stats.acknowledged(), verdict.onB().checked(), verdict.onC().checked(),
                        postCheck(result, "cResync"));
            }
        }
        System.out.println("PauseCutoverIT " + CUTOVERS + " cutovers, 0 lost: longest writer gap ms " + Stats.of(gaps)
                + "; pause ms " + Stats.of(pauses));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cutover(RunResult result) {
        return (Map<String, Object>) result.report().get("cutover");
    }

    @SuppressWarnings("unchecked")
    static String postCheck(RunResult result, String fact) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.report().get("steps");
        return steps.stream().filter(s -> "post-checks".equals(s.get("name")))
                .map(s -> String.valueOf(((Map<String, Object>) s.get("facts")).get(fact))).findFirst().orElse("absent");
    }
}
