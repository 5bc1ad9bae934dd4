package dev.ferry.core.run;

import dev.ferry.core.journal.RunStatus;
import java.util.Map;

/** How a run ended, and the report built from its journal. */
public record RunResult(RunStatus status, Map<String, Object> report) {
}
