package dev.ferry.core.run;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.ReplicationState;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code status}: what the journal says, next to what the servers say now. */
public final class StatusReader {
    private StatusReader() {
    }

    public static Map<String, Object> read(Spec spec, Path stateDir, SecretSource secrets) {
        Journal journal = Journal.open(stateDir, spec.name(), Clock.systemUTC());
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("journal", journal.file().toString());
        status.put("status", journal.status().name());
        journal.failedStep().ifPresent(s -> status.put("failedStep", s));
        Map<String, Object> steps = new LinkedHashMap<>();
        for (String name : Runner.stepNames(spec)) {
            steps.put(name, journal.lastOf(name).map(e -> e.status()).orElse("-"));
        }
        status.put("steps", steps);
        status.put("pendingConfigChanges", journal.pendingConfigChanges());
        Map<String, Object> live = new LinkedHashMap<>();
        try (Servers servers = Servers.of(spec, secrets, Servers.readOnlyClientNameFor(spec.name()))) {
            for (RedisNode n : servers.all()) {
                live.put(n.label(), describe(n));
            }
        }
        status.put("live", live);
        return status;
    }

    private static String describe(RedisNode n) {
        try {
            ReplicationState r = n.replication();
            String role = r.isReplica() ? "replica of " + r.masterHost() + ":" + r.masterPort()
                    + (r.linkUp() ? " (link up)" : " (link down)") : "master, " + r.connectedReplicas() + " replica(s)";
            return n.address() + " " + role + ", offset " + r.offset();
        } catch (RuntimeException e) {
            return n.address() + " unreachable: " + e.getMessage();
        }
    }
}
