package dev.ferry.testkit;

import dev.ferry.core.run.RunResult;
import java.nio.file.Path;
import java.util.Map;

/** ferry's run result, and the writers' own verdict on it. */
public record DemoResult(RunResult run, WriterStats writers, LossReport lostOnB, LossReport lostOnC,
        Map<String, Object> report, Path journal) {

    public long lost() {
        return lostOnB.lost() + lostOnC.lost();
    }
}
