package dev.ferry.core.switching;

import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.spec.Endpoint;
import java.time.Duration;
import java.util.List;

/** {@code switch: { type: none }}: the operator moves the traffic; ferry only closes a's clients. */
public final class NoSwitch implements TrafficSwitch {

    @Override
    public String describe() {
        return "none (the applications must be repointed to b by the operator)";
    }

    @Override
    public List<PlannedCommand> plan(Endpoint from, Endpoint to) {
        return List.of();
    }

    @Override
    public List<String> preflight() {
        return List.of();
    }

    @Override
    public boolean movesBeforeDemotion() {
        return true;
    }

    @Override
    public Duration move(Endpoint from, Endpoint to) {
        return Duration.ZERO;
    }

    @Override
    public boolean movesTraffic() {
        return false;
    }
}
