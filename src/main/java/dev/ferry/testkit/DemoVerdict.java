package dev.ferry.testkit;

import dev.ferry.core.run.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** The writers' verdict on a demo run: what they saw, and which acknowledged writes b and c lack. */
final class DemoVerdict {
    private DemoVerdict() {
    }

    /** {@code setup} facts (how the writers ran) come first in the report's writers section. */
    static DemoResult of(RunResult result, Writers writers, Jedis b, Jedis c, Map<String, Object> setup, Path journal) {
        WriterStats stats = writers.stats();
        awaitBackupCaughtUp(b, c);
        LossReport onB = writers.checkLost(b);
        LossReport onC = writers.checkLost(c);
        Map<String, Object> report = new LinkedHashMap<>(result.report());
        Map<String, Object> w = new LinkedHashMap<>(setup);
        w.put("acknowledged", stats.acknowledged());
        w.put("errors", stats.errors());
        w.put("longestGapMillis", stats.longestGap().toMillis());
        w.put("lostOnB", onB.lost());
        w.put("lostOnC", onC.lost());
        w.put("missingSample", onB.missingSample());
        report.put("writers", w);
        return new DemoResult(result, stats, onB, onC, report, journal);
    }

    /** c replicates asynchronously: compare only once it has b's offset. */
    private static void awaitBackupCaughtUp(Jedis b, Jedis c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (offset(c, "slave_repl_offset") >= offset(b, "master_repl_offset")) {
                return;
            }
            NetnsBed.sleep(20);
        }
    }

    private static long offset(Jedis j, String field) {
        return Long.parseLong(InfoParser.field(j.info("replication"), field).orElse("-1"));
    }
}
