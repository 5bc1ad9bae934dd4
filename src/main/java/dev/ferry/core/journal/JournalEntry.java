package dev.ferry.core.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One line of the journal. {@code kind} is run, step, config or end; {@code status} is STARTED, COMPLETED,
 * FAILED (steps), CHANGED, RESTORED, LEFT (configs), or the run's final state (end).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JournalEntry(Instant time, String kind, String step, String status, Map<String, Object> facts) {

    public JournalEntry {
        facts = facts == null ? Map.of() : facts;
    }

    public Object fact(String name) {
        return facts.get(name);
    }
}
