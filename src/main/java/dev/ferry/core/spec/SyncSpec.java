package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * How b gets a's data before the cutover: by replication (b is a's replica), by a logical copy (SCAN + DUMP/RESTORE
 * with change capture through keyspace notifications, for sources that refuse replication), or {@code auto}: the
 * preflight's capability probe picks replication where a allows it. {@code maxOps}: the logical copy's commands per
 * second on a and b together (0: no limit).
 */
public record SyncSpec(Method method, long maxOps) {

    public static final SyncSpec DEFAULT = new SyncSpec(Method.AUTO, 0);

    public SyncSpec {
        requireNonNull(method, "method");
        if (maxOps < 0) {
            throw new IllegalArgumentException("sync.max-ops must be 0 (no limit) or more, was " + maxOps);
        }
    }

    public enum Method {
        /** b replicates from a (REPLICAOF, SYNC/PSYNC, CONFIG on a). */
        REPLICATION,
        /** SCAN + DUMP/RESTORE, changes followed through keyspace notifications; a timed fence. */
        LOGICAL,
        /** replication where a allows it, logical where it does not; the preflight says why. */
        AUTO;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return label();
        }
    }
}
