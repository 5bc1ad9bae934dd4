package dev.ferry.core.redis;

/** The replication facts ferry decides on, read from INFO replication. */
public record ReplicationState(
        String role,
        String masterHost,
        int masterPort,
        boolean linkUp,
        boolean syncInProgress,
        long masterOffset,
        long replicaOffset,
        int connectedReplicas,
        String replId) {

    public static ReplicationState of(Info info) {
        String role = info.get("role", "unknown");
        return new ReplicationState(
                role,
                info.get("master_host", ""),
                (int) info.getLong("master_port", 0),
                "up".equals(info.get("master_link_status")),
                info.getLong("master_sync_in_progress", 0) == 1,
                info.getLong("master_repl_offset", -1),
                info.getLong("slave_repl_offset", -1),
                (int) info.getLong("connected_slaves", 0),
                info.get("master_replid", info.get("run_id", "")));
    }

    public boolean isMaster() {
        return "master".equals(role);
    }

    public boolean isReplica() {
        return "slave".equals(role);
    }

    public boolean replicatesFrom(String host, int port) {
        return isReplica() && masterPort == port && HostNames.same(masterHost, host);
    }

    /** The replication offset this server has processed, whatever its role. */
    public long offset() {
        return isReplica() ? replicaOffset : masterOffset;
    }
}
