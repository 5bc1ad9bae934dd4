package dev.ferry.core.cluster;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunLock;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.run.Planner;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.ClusterSpec;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.Preflight;
import dev.ferry.core.switching.NoSwitch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * {@code plan}, {@code preflight}, {@code run}, {@code resume} and {@code status} of a cluster spec. The cluster's
 * own journal ({@code <name>}) holds the preflight and the end; each shard runs its steps through
 * {@link Runner} with its own journal ({@code <name>.shard-<n>}), lock and config ledger, at most
 * {@code parallel} at once, their failovers one at a time.
 */
public final class ClusterRunner {
    public static final String PREFLIGHT = "preflight";
    public static final String SHARDS = "shards";
    public static final String POST_CHECKS = "post-checks";

    private final ClusterSpec spec;
    private final RunOptions options;
    private final Confirmer confirmer;
    private final RunListener listener;
    private final SecretSource secrets;
    private final Clock clock;
    private BiFunction<String, RunListener, RunListener> observe = (shardName, prefixed) -> prefixed;
    private BiConsumer<ShardOutcome, Integer> ended = (outcome, exitCode) -> { };

    public ClusterRunner(ClusterSpec spec, RunOptions options, Confirmer confirmer, RunListener listener,
            SecretSource secrets, Clock clock) {
        this.spec = spec;
        this.options = options;
        this.confirmer = confirmer;
        this.listener = listener;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Lets an observer (the status page) see each shard's events under its journal name: {@code observe} gets the
     * shard's name and the listener that prefixes and forwards to this runner's listener, and returns the one the
     * shard reports to; {@code ended} hears each shard's outcome with its exit code.
     */
    public ClusterRunner observedBy(BiFunction<String, RunListener, RunListener> observe,
            BiConsumer<ShardOutcome, Integer> ended) {
        this.observe = observe;
        this.ended = ended;
        return this;
    }

    // ---- plan and preflight ------------------------------------------------------------------------------------

    /** Every check: the cluster's, then each shard's per-server ones, names prefixed with the shard. */
    public List<CheckResult> preflight() {
        try (Cluster cluster = open(Servers.readOnlyClientNameFor(spec.name()))) {
            return checks(cluster, false);
        }
    }

    private List<CheckResult> checks(Cluster cluster, boolean resuming) {
        List<CheckResult> results = new ArrayList<>(new ClusterPreflight(cluster).check(resuming));
        for (int i = 0; i < spec.moves().size(); i++) {
            Spec shard = spec.shard(i);
            try (Servers servers = Servers.of(shard, secrets, cluster.clientName())) {
                for (CheckResult r : Preflight.shardChecks(shard, servers, resuming)) {
                    results.add(new CheckResult("shard " + (i + 1) + " " + r.name(), r.status(), r.detail(), r.fix(),
                            r.facts()));
                }
            }
        }
        return results;
    }

    public Planner.Plan plan() {
        try (Cluster cluster = open(Servers.readOnlyClientNameFor(spec.name()))) {
            List<CheckResult> checks = checks(cluster, false);
            Map<String, String> roles = new LinkedHashMap<>();
            List<Planner.PlannedStep> steps = new ArrayList<>();
            steps.add(new Planner.PlannedStep(PREFLIGHT, List.of(PlannedCommand.redis("every node",
                    "CLUSTER NODES; CLUSTER INFO; INFO; CONFIG GET", "read-only checks"))));
            for (int i = 0; i < spec.moves().size(); i++) {
                Shard shard = new Shard(cluster, i, new Semaphore(1));
                Spec shardSpec = spec.shard(i);
                try (Servers servers = Servers.of(shardSpec, secrets, cluster.clientName())) {
                    servers.all().forEach(n -> roles.put("shard " + (shard.index() + 1) + " " + n.label(),
                            n.address() + " " + n.version()));
                    RunContext ctx = context(shardSpec, servers);
                    for (Step step : ShardProcedure.steps(shard)) {
                        steps.add(new Planner.PlannedStep("shard " + (i + 1) + ": " + step.name(), step.plan(ctx)));
                    }
                }
            }
            steps.add(new Planner.PlannedStep(POST_CHECKS, List.of(PlannedCommand.redis("every node",
                    "CLUSTER NODES; CLUSTER INFO", "every slot served by a new node, cluster_state:ok, views agree"))));
            return new Planner.Plan(checks, roles, steps);
        }
    }

    private RunContext context(Spec shardSpec, Servers servers) {
        return new RunContext(shardSpec, servers, Journal.open(options.stateDir(), shardSpec.name(), clock),
                new NoSwitch(), options, q -> false, RunListener.SILENT, clock);
    }

    // ---- run and resume ----------------------------------------------------------------------------------------

    public ClusterResult run() {
        Journal journal = journal();
        requireNewRunAllowed(journal);
        try (RunLock lock = RunLock.acquire(options.stateDir(), spec.name(), "run")) {
            if (options.restart()) {
                journal.archive();
                for (int i = 0; i < spec.moves().size(); i++) {
                    shardJournal(i).archive();
                    Journal.open(options.stateDir(), spec.shardBack(i).name(), clock).archive();
                }
            }
            return execute(journal, "run");
        }
    }

    public ClusterResult resume() {
        Journal journal = journal();
        if (journal.status() == RunStatus.NONE) {
            throw new FerryException(ExitCode.JOURNAL, "nothing to resume: no journal at " + journal.file()
                    + ": start with ferry run SPEC (or pass the --state-dir of that run)");
        }
        if (journal.status() == RunStatus.COMPLETED || journal.status() == RunStatus.ABORTED) {
            throw new FerryException(ExitCode.JOURNAL, "the cluster move already " + (journal.status()
                    == RunStatus.COMPLETED ? "completed" : "ended (rolled back or refused by preflight)") + " ("
                    + journal.file() + "): nothing to resume; ferry run SPEC --restart starts a new one");
        }
        try (RunLock lock = RunLock.acquire(options.stateDir(), spec.name(), "resume")) {
            return execute(journal, "resume");
        }
    }

    private void requireNewRunAllowed(Journal journal) {
        RunStatus status = journal.status();
        boolean ended = status == RunStatus.COMPLETED || status == RunStatus.ABORTED;
        if (status == RunStatus.NONE || options.restart() && ended) {
            return;
        }
        throw new FerryException(ExitCode.JOURNAL, "the journal " + journal.file() + " shows a " + (ended
                ? (status == RunStatus.COMPLETED ? "completed" : "rolled back or aborted")
                        + " cluster move: pass --restart to start a new one (the old journals are kept beside it)"
                : "cluster move in progress or stopped: run ferry resume to finish it, or ferry rollback"));
    }

    private ClusterResult execute(Journal journal, String verb) {
        String clientName = Servers.clientNameFor(spec.name());
        try (Cluster cluster = open(clientName)) {
            journal.append(Journal.RUN, null, verb.toUpperCase(java.util.Locale.ROOT), Map.of("spec", spec.name(),
                    "pid", ProcessHandle.current().pid(), "verb", verb, "shards", spec.moves().size()));
            if (!journal.completed(PREFLIGHT)) {
                preflightStep(journal, cluster);
            }
            List<ShardOutcome> outcomes = shards(cluster, clientName);
            List<ShardOutcome> failed = outcomes.stream().filter(o -> o.failure().isPresent()).toList();
            if (!failed.isEmpty()) {
                FerryException e = partial(outcomes, failed);
                journal.stepFailed(SHARDS, e.getMessage());
                throw e;
            }
            journal.stepCompleted(SHARDS, Map.of("shards", outcomes.size()));
            listener.stepStarted(POST_CHECKS);
            Map<String, Object> post = new ClusterPostChecks(cluster, java.util.stream.IntStream.range(0, spec.moves().size())
                    .mapToObj(this::shardJournal).toList()).run();
            journal.stepCompleted(POST_CHECKS, post);
            listener.stepFinished(POST_CHECKS, java.time.Duration.ZERO, post);
            journal.ended(RunStatus.COMPLETED, Map.of());
            return new ClusterResult(RunStatus.COMPLETED, outcomes, ClusterReport.from(spec, journal, options.stateDir(), clock));
        }
    }

    private void preflightStep(Journal journal, Cluster cluster) {
        listener.stepStarted(PREFLIGHT);
        journal.stepStarted(PREFLIGHT, Map.of());
        List<CheckResult> results = checks(cluster, false);
        results.stream().filter(r -> r.status() == CheckResult.Status.WARN).forEach(r -> listener.warn(r.oneLine()));
        try {
            ClusterPreflight.requirePassed(results);
        } catch (FerryException e) {
            journal.ended(RunStatus.ABORTED, Map.of("why", e.getMessage()));
            listener.stepFailed(PREFLIGHT, e.getMessage());
            throw e;
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        results.forEach(r -> facts.put(r.name(), r.status() + ": " + r.detail()));
        journal.stepCompleted(PREFLIGHT, facts);
        listener.stepFinished(PREFLIGHT, java.time.Duration.ZERO, Map.of());
    }

    /** One shard's end: empty failure when it completed. */
    public record ShardOutcome(int index, String label, RunStatus status, Optional<FerryException> failure) {
    }

    private List<ShardOutcome> shards(Cluster cluster, String clientName) {
        Semaphore failoverLock = new Semaphore(1);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(spec.parallel(), r -> {
            Thread t = new Thread(r, "ferry-shard");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ShardOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < spec.moves().size(); i++) {
                Shard shard = new Shard(cluster, i, failoverLock);
                futures.add(pool.submit(() -> runShard(shard, clientName, stop)));
            }
            List<ShardOutcome> outcomes = new ArrayList<>();
            for (Future<ShardOutcome> f : futures) {
                outcomes.add(get(f));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ShardOutcome get(Future<ShardOutcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INTERRUPTED, "interrupted while shards were moving: ferry resume continues");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** A shard already completed is left alone; a failure stops shards not yet started (the running ones finish). */
    private ShardOutcome runShard(Shard shard, String clientName, AtomicBoolean stop) {
        ShardOutcome outcome = moveShard(shard, clientName, stop);
        ended.accept(outcome, outcome.failure().map(e -> e.code().value()).orElse(0));
        return outcome;
    }

    private ShardOutcome moveShard(Shard shard, String clientName, AtomicBoolean stop) {
        Journal journal = shardJournal(shard.index());
        if (journal.status() == RunStatus.COMPLETED) {
            return new ShardOutcome(shard.index(), shard.label(), RunStatus.COMPLETED, Optional.empty());
        }
        if (stop.get()) {
            return new ShardOutcome(shard.index(), shard.label(), RunStatus.NONE, Optional.of(new FerryException(
                    ExitCode.STOPPED, shard.label() + ": not started (another shard failed)")));
        }
        Runner runner = new Runner(spec.shard(shard.index()), options.withYes(), confirmer,
                observe.apply(spec.shardName(shard.index()), new ShardListener(listener, shard)), secrets, clock,
                s -> ShardProcedure.steps(shard),
                Optional.of(clientName));
        try {
            if (journal.status() == RunStatus.NONE) {
                runner.run();
            } else {
                runner.resume();
            }
            return new ShardOutcome(shard.index(), shard.label(), RunStatus.COMPLETED, Optional.empty());
        } catch (FerryException e) {
            stop.set(true);
            return new ShardOutcome(shard.index(), shard.label(), shardJournal(shard.index()).status(), Optional.of(e));
        }
    }

    /**
     * Shards that failed: a cluster with some shards moved and others not is exit 14; when none moved, the failed
     * shard's own exit code says what state it left.
     */
    private FerryException partial(List<ShardOutcome> outcomes, List<ShardOutcome> failed) {
        long moved = outcomes.stream().filter(o -> o.failure().isEmpty()).count();
        FerryException first = failed.get(0).failure().orElseThrow();
        String message = failed.size() + " of " + outcomes.size() + " shards did not finish (" + first.getMessage()
                + (failed.size() > 1 ? "; and " + (failed.size() - 1) + " more: ferry status SPEC lists them" : "") + ")";
        if (moved == 0) {
            return new FerryException(first.code(), message, first);
        }
        return new FerryException(ExitCode.CLUSTER_PARTIAL, moved + " of " + outcomes.size() + " shards moved; "
                + message + ": fix the cause, then ferry resume", first);
    }

    // ---- status ------------------------------------------------------------------------------------------------

    public Map<String, Object> status() {
        return ClusterReport.from(spec, journal(), options.stateDir(), clock);
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    private Cluster open(String clientName) {
        return new Cluster(spec, secrets, clientName);
    }

    private Journal journal() {
        return journal(spec.name());
    }

    Journal journal(String name) {
        return Journal.open(options.stateDir(), name, clock);
    }

    /**
     * {@code rollback}: shard by shard from the last, switched shards back by the same fenced failover, then the new
     * nodes leave the cluster ({@link ClusterRollback}).
     */
    public Map<String, Object> rollback() {
        return new ClusterRollback(this).rollback();
    }

    ClusterSpec spec() {
        return spec;
    }

    RunOptions options() {
        return options;
    }

    Confirmer confirmer() {
        return confirmer;
    }

    RunListener listener() {
        return listener;
    }

    SecretSource secrets() {
        return secrets;
    }

    Clock clock() {
        return clock;
    }

    private Journal shardJournal(int index) {
        return Journal.open(options.stateDir(), spec.shardName(index), clock);
    }
}
