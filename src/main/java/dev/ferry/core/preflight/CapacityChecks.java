package dev.ferry.core.preflight;

import dev.ferry.core.redis.Bytes;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Will the servers hold out: memory for a's fork, room on b for a's data, a replica output buffer that survives
 * the full sync at a's write rate (or the sync loops forever), a backlog that covers the switch.
 */
public final class CapacityChecks {
    /** A conservative full-sync speed (fork, transfer and load together) to estimate how long buffers must hold. */
    private static final long SYNC_BYTES_PER_SECOND = 50L * 1024 * 1024;
    private static final Duration MIN_SYNC_TIME = Duration.ofSeconds(5);

    private CapacityChecks() {
    }

    public static List<CheckResult> all(Survey survey) {
        List<CheckResult> results = new ArrayList<>();
        results.add(Guard.check("fork headroom on a", () -> forkHeadroom(survey)));
        results.add(Guard.check("memory on b and c", () -> targetMemory(survey)));
        results.add(Guard.check("replica output buffer", () -> outputBuffer(survey)));
        results.add(Guard.check("replication backlog", () -> backlog(survey)));
        return results;
    }

    /** The fork copies pages a writes during the sync; at worst a needs its dataset twice. */
    static CheckResult forkHeadroom(Survey survey) {
        Info a = survey.info(survey.servers().a());
        long used = a.getLong("used_memory", 0);
        long max = a.getLong("maxmemory", 0);
        long system = a.getLong("total_system_memory", 0);
        String facts = "used_memory " + Bytes.human(used) + ", maxmemory " + (max == 0 ? "unlimited" : Bytes.human(max))
                + (system > 0 ? ", system memory " + Bytes.human(system) : "");
        if (system > 0 && used * 2 > system) {
            return CheckResult.warn("fork headroom on a", facts + ": the fork for the sync may double a's memory",
                    "make sure a's host has " + Bytes.human(used) + " spare (or vm.overcommit_memory=1), or sync off-peak");
        }
        if (max > 0 && used > max * 9 / 10) {
            return CheckResult.warn("fork headroom on a", facts + ": a is within 10% of maxmemory and may evict during the move",
                    "raise a's maxmemory before the move");
        }
        return CheckResult.pass("fork headroom on a", facts);
    }

    static CheckResult targetMemory(Survey survey) {
        long dataset = survey.info(survey.servers().a()).getLong("used_memory", 0);
        for (RedisNode n : survey.servers().all().subList(1, survey.servers().all().size())) {
            long max = Survey.config(n, "maxmemory").map(Bytes::parse).orElse(0L);
            if (max > 0 && max < dataset) {
                return CheckResult.fail("memory on b and c", n.label() + "'s maxmemory " + Bytes.human(max)
                        + " is below a's used_memory " + Bytes.human(dataset) + ": once promoted it would evict or refuse writes",
                        "raise maxmemory on " + n.label() + " to at least " + Bytes.human(dataset * 5 / 4));
            }
        }
        return CheckResult.pass("memory on b and c", "a uses " + Bytes.human(dataset) + "; b and c have room (maxmemory 0 or larger)");
    }

    /**
     * While b loads a's snapshot, a buffers every write for b. Past the hard limit, or past the soft limit for its
     * seconds, a drops b and the sync starts over: forever, under steady load.
     */
    static CheckResult outputBuffer(Survey survey) {
        RedisNode a = survey.servers().a();
        Optional<long[]> limit = Survey.config(a, "client-output-buffer-limit").flatMap(CapacityChecks::replicaLimit);
        if (limit.isEmpty()) {
            return CheckResult.warn("replica output buffer", "a reports no replica class in client-output-buffer-limit",
                    "check CONFIG GET client-output-buffer-limit on a");
        }
        long hard = limit.get()[0];
        long soft = limit.get()[1];
        long softSeconds = limit.get()[2];
        Survey.WriteRate rate = survey.writeRate();
        Duration sync = syncTime(survey.info(a).getLong("used_memory", 0));
        long needed = rate.bytesIn(sync);
        String facts = "limit " + Bytes.human(hard) + " hard, " + Bytes.human(soft) + "/" + softSeconds + "s soft; a writes "
                + rate + "; a full sync takes about " + sync.toSeconds() + "s and buffers about " + Bytes.human(needed);
        long suggestedMb = Math.max(needed * 4, 256L << 20) >> 20;
        String fix = "raise it on a: CONFIG SET client-output-buffer-limit \"" + (a.version().hasReplicaNames() ? "replica " : "slave ") + suggestedMb
                + "mb " + suggestedMb + "mb 0\" (ferry does not change it for you)";
        boolean hardHit = hard > 0 && needed >= hard;
        boolean softHit = soft > 0 && rate.bytesPerSecond() > 0
                && sync.toSeconds() > soft / rate.bytesPerSecond() + softSeconds;
        if (hardHit || softHit) {
            return CheckResult.fail("replica output buffer", facts + ": a would drop b mid-sync and the full sync would repeat forever", fix);
        }
        if (hard > 0 && needed * 2 >= hard) {
            return CheckResult.warn("replica output buffer", facts + ": less than 2x margin", fix);
        }
        return CheckResult.pass("replica output buffer", facts);
    }

    /** "normal 0 0 0 slave 268435456 67108864 60 pubsub ..." to {hard, soft, seconds} of the replica class. */
    static Optional<long[]> replicaLimit(String value) {
        String[] parts = value.trim().split("\\s+");
        for (int i = 0; i + 3 < parts.length; i++) {
            if (parts[i].equals("slave") || parts[i].equals("replica")) {
                return Optional.of(new long[] {Bytes.parse(parts[i + 1]), Bytes.parse(parts[i + 2]), Long.parseLong(parts[i + 3])});
            }
        }
        return Optional.empty();
    }

    private static Duration syncTime(long datasetBytes) {
        Duration estimate = Duration.ofSeconds(datasetBytes / SYNC_BYTES_PER_SECOND);
        return estimate.compareTo(MIN_SYNC_TIME) < 0 ? MIN_SYNC_TIME : estimate;
    }

    /**
     * After the cutover a (and later c, or a on rollback) continues from b's backlog. If the pause and switch write
     * more than it holds, the follower needs a full sync instead of a partial one: slower, not lossy, so a warning.
     */
    static CheckResult backlog(Survey survey) {
        Duration switching = survey.spec().switchSpec().type() == dev.ferry.core.spec.Switch.Type.NONE
                ? Duration.ZERO : survey.spec().switchSpec().timeout();
        Duration window = survey.spec().cutover().maxPause().plus(switching);
        long needed = survey.writeRate().bytesIn(window);
        for (RedisNode n : List.of(survey.servers().a(), survey.servers().b())) {
            long backlog = Survey.config(n, "repl-backlog-size").map(Bytes::parse).orElse(0L);
            if (backlog < needed) {
                return CheckResult.warn("replication backlog", n.label() + "'s repl-backlog-size " + Bytes.human(backlog)
                        + " holds less than the " + Bytes.human(needed) + " written in max-pause + switch timeout ("
                        + window.toMillis() + "ms at " + survey.writeRate() + "): a follower may need a full resync",
                        "CONFIG SET repl-backlog-size " + Math.max(needed * 2, 1L << 20) + " on " + n.label());
            }
        }
        return CheckResult.pass("replication backlog", "a and b's backlogs hold the " + Bytes.human(needed)
                + " written in max-pause + switch timeout (" + window.toMillis() + "ms)");
    }
}
