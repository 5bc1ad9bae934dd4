package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunLock;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.ConfigLedger;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * {@code rollback} of a cluster spec, shard by shard from the last: ferry's config changes on the shard are put
 * back; a shard whose new master serves the slots is switched back by the same fenced failover (a is the new
 * master's replica: Redis repointed it); then the new nodes leave the cluster and keep their copy. After
 * {@code old-nodes: forget} has begun on a shard its old nodes are out of the cluster, so rollback refuses: the
 * way back is a new cluster move to empty nodes.
 */
public final class ClusterRollback {
    public static final String ROLLED_BACK = "rolled back";

    private final ClusterRunner settings;
    private final ClusterSpec spec;

    /** Rolls back with the settings (spec, options, confirmer, listener, secrets, clock) of {@code settings}. */
    ClusterRollback(ClusterRunner settings) {
        this.settings = settings;
        this.spec = settings.spec();
    }

    public Map<String, Object> rollback() {
        Journal journal = journal(spec.name());
        if (journal.status() == RunStatus.NONE) {
            throw new FerryException(ExitCode.JOURNAL, "nothing to roll back: no journal at " + journal.file()
                    + " (pass the --state-dir of the run)");
        }
        refuseForgotten();
        String clientName = Servers.clientNameFor(spec.name());
        try (RunLock lock = RunLock.acquire(settings.options().stateDir(), spec.name(), "rollback");
                Cluster cluster = new Cluster(spec, settings.secrets(), clientName)) {
            Semaphore failoverLock = new Semaphore(1);
            for (int i = spec.moves().size() - 1; i >= 0; i--) {
                rollBackShard(new Shard(cluster, i, failoverLock), clientName);
            }
            journal.ended(RunStatus.ABORTED, Map.of("why", ROLLED_BACK));
        }
        Map<String, Object> report = ClusterReport.from(spec, journal, settings.options().stateDir(), settings.clock());
        report.put("status", "ROLLED_BACK");
        return report;
    }

    /** Checked for every shard before any is touched: a refused rollback changes nothing. */
    private void refuseForgotten() {
        if (spec.oldNodes() != ClusterSpec.OldNodes.FORGET) {
            return;
        }
        String forget = RetireOldNodes.nameFor(ClusterSpec.OldNodes.FORGET);
        for (int i = 0; i < spec.moves().size(); i++) {
            if (journal(spec.shardName(i)).started(forget)) {
                throw new FerryException(ExitCode.JOURNAL, "cannot roll back: shard " + (i + 1) + "'s old nodes were"
                        + " forgotten (old-nodes: forget), so they are out of the cluster and cannot take the slots back;"
                        + " to move back, write a cluster spec from the new masters to empty nodes and ferry run it");
            }
        }
    }

    private void rollBackShard(Shard shard, String clientName) {
        Journal forward = journal(spec.shardName(shard.index()));
        if (forward.status() == RunStatus.NONE) {
            return;
        }
        try (Servers servers = Servers.of(spec.shard(shard.index()), settings.secrets(), clientName)) {
            new ConfigLedger(forward, servers).restoreAll();
            boolean switched = Cluster.view(servers.b()).myself().slotCount() > 0;
            List<Step> steps = new ArrayList<>();
            if (switched) {
                steps.add(new AwaitReplicaKnown(shard.back()));
                steps.add(new ShardSwitch(shard.back()));
            }
            steps.add(new DetachNewNodes(shard));
            Journal back = journal(spec.shardBack(shard.index()).name());
            Runner runner = new Runner(spec.shardBack(shard.index()), settings.options().withYes(), settings.confirmer(),
                    new ShardListener(settings.listener(), shard), settings.secrets(), settings.clock(), s -> steps,
                    Optional.of(clientName));
            if (back.status() == RunStatus.COMPLETED || back.status() == RunStatus.NONE) {
                back.archive();
                runner.run();
            } else {
                runner.resume();
            }
            forward.ended(RunStatus.ABORTED, Map.of("why", ROLLED_BACK));
        }
    }

    private Journal journal(String name) {
        return settings.journal(name);
    }
}
