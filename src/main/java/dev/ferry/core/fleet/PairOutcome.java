package dev.ferry.core.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one pair of a fleet ended in this fleet command.
 *
 * @param spec     the pair's spec name
 * @param outcome  what happened (see {@link Outcome})
 * @param exitCode the exit code a single {@code ferry run} of this pair would have given (0 when it finished)
 * @param message  the pair's one-line error, or what it did
 * @param millis   how long the pair's command ran (0 when it did not start)
 */
public record PairOutcome(String spec, Outcome outcome, int exitCode, String message, long millis) {

    public enum Outcome {
        /** The verb finished for this pair (moved, resumed, rolled back). */
        DONE,
        /** The pair finished in an earlier fleet command and was not touched again. */
        ALREADY_DONE,
        /** The pair's command failed; its own journal and abort rules say what was left. */
        FAILED,
        /** The pair's preflight failed and {@code on-failure: continue} skipped it. */
        SKIPPED,
        /** Not started: a pair failed with {@code on-failure: stop}, or a signal arrived. */
        NOT_STARTED
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("spec", spec);
        row.put("outcome", outcome.name());
        row.put("exitCode", exitCode);
        row.put("message", message);
        row.put("millis", millis);
        return row;
    }
}
