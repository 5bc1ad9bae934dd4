package dev.ferry.core.fleet;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.spec.FleetFile;
import java.util.List;
import java.util.Map;

/**
 * Every pair's preflight and the conflicts between pairs. A conflict always refuses the fleet; a pair whose
 * preflight fails refuses it under {@code on-failure: stop}, and is skipped (and said so) under {@code continue}.
 */
public record FleetPreflight(Map<String, List<CheckResult>> checks, List<String> conflicts, FleetFile.OnFailure onFailure) {

    public boolean failed(String spec) {
        return checks.getOrDefault(spec, List.of()).stream().anyMatch(CheckResult::failed);
    }

    public String firstFailure(String spec) {
        return checks.getOrDefault(spec, List.of()).stream().filter(CheckResult::failed).findFirst()
                .map(CheckResult::oneLine).orElse("");
    }

    public List<String> failedPairs() {
        return checks.keySet().stream().filter(this::failed).toList();
    }

    /** Whether {@code fleet run} may start: no conflict, and no failed pair unless failures are skipped. */
    public boolean blocks() {
        return !conflicts.isEmpty() || (onFailure == FleetFile.OnFailure.STOP && !failedPairs().isEmpty())
                || failedPairs().size() == checks.size();
    }

    void refuseIfBlocked() {
        if (!conflicts.isEmpty()) {
            throw new FerryException(ExitCode.PREFLIGHT, "fleet refused, nothing was changed: " + conflicts.get(0)
                    + (conflicts.size() > 1 ? " (and " + (conflicts.size() - 1) + " more: ferry fleet preflight lists them)" : ""));
        }
        if (blocks()) {
            String first = failedPairs().get(0);
            throw new FerryException(ExitCode.PREFLIGHT, "fleet refused, nothing was changed: " + failedPairs().size()
                    + " pair(s) failed preflight, first " + first + ": " + firstFailure(first)
                    + " (fix it, or set on-failure: continue to move the others without it)");
        }
    }
}
