package dev.ferry.core.run;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunLock;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.FenceGate;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.preflight.SyncChecks;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.steps.SentinelWatch;
import dev.ferry.core.steps.Preflight;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Carries out {@code run} and {@code resume}: one lock, one journal, the steps in order, each journaled before
 * and after. A completed step is skipped on resume; every other step decides from live state what is left.
 */
public final class Runner {
    /** The run entry journaled when a signal stopped the run between two steps. */
    public static final String STOPPED = "STOPPED";
    /** The run entry's fact naming the sync method the move uses (what {@code auto} resolved to). */
    static final String SYNC_METHOD = "syncMethod";
    private final Spec spec;
    private final RunOptions options;
    private final Confirmer confirmer;
    private final RunListener listener;
    private final SecretSource secrets;
    private final Clock clock;
    private final Function<Spec, List<Step>> procedure;
    private final Optional<String> clientName;
    /** A standalone move resolves {@code sync: auto} by probing a; a cluster shard's procedure has one method. */
    private boolean probesSync;
    /** The fenced windows this run shares with other runs: a fleet's; a run alone has its own. */
    private FenceGate gate = FenceGate.unshared();

    public Runner(Spec spec, RunOptions options, Confirmer confirmer, RunListener listener, SecretSource secrets,
            Clock clock) {
        this(spec, options, confirmer, listener, secrets, clock, Procedure::steps, Optional.empty());
        this.probesSync = true;
    }

    /**
     * A runner for another procedure over the same machinery (a cluster shard's steps); {@code clientName} names
     * its connections, so that the runs of one process (the shards of one cluster move) do not take each other
     * for another ferry.
     */
    public Runner(Spec spec, RunOptions options, Confirmer confirmer, RunListener listener, SecretSource secrets,
            Clock clock, Function<Spec, List<Step>> procedure, Optional<String> clientName) {
        this.procedure = procedure;
        this.clientName = clientName;
        this.spec = spec;
        this.options = options;
        this.confirmer = confirmer;
        this.listener = listener;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * The fenced windows this run shares with others (the pairs of a fleet): its cutover fences only while no other
     * is fenced, and its heavy steps (sync, verify) yield to their windows. Returns this runner.
     */
    public Runner sharingFences(FenceGate shared) {
        this.gate = shared;
        return this;
    }

    public RunResult run() {
        Journal journal = openJournal();
        checkSameServers(journal);
        checkNewRunAllowed(journal);
        try (RunLock lock = RunLock.acquire(options.stateDir(), spec.name(), "run")) {
            if (options.restart()) {
                journal.archive();
            }
            return execute(journal, "run");
        }
    }

    public RunResult resume() {
        Journal journal = openJournal();
        checkSameServers(journal);
        checkResumable(journal);
        try (RunLock lock = RunLock.acquire(options.stateDir(), spec.name(), "resume")) {
            return execute(journal, "resume");
        }
    }

    /** A journal is found by spec name; one written for other servers must not steer this run. */
    void checkSameServers(Journal journal) {
        Object journaled = journal.runEntry().map(e -> e.facts().get("servers")).orElse(null);
        List<String> ours = serverList(spec);
        if (journaled != null && !String.valueOf(journaled).equals(String.valueOf(ours))) {
            throw new FerryException(ExitCode.JOURNAL, "the journal " + journal.file() + " belongs to another spec named '"
                    + spec.name() + "' (servers " + journaled + ", this spec has " + ours + "): give this spec its own name"
                    + " or --state-dir, or finish that run first");
        }
    }

    static List<String> serverList(Spec spec) {
        return spec.servers().stream().map(e -> e.role() + "=" + e.address()).toList();
    }

    private void checkNewRunAllowed(Journal journal) {
        RunStatus status = journal.status();
        if (status == RunStatus.NONE) {
            return;
        }
        String where = "the journal " + journal.file() + " shows a " + describe(status, journal);
        if (!options.restart()) {
            throw new FerryException(ExitCode.JOURNAL, where + ": " + (status == RunStatus.COMPLETED || status == RunStatus.ABORTED
                    ? "pass --restart to start a new run (the old journal is kept beside it)"
                    : "run ferry resume to finish it, or ferry run --restart to discard it"));
        }
        if ((status == RunStatus.IN_PROGRESS || status == RunStatus.FAILED)
                && (Cutover.touchedServers(journal) || !journal.pendingConfigChanges().isEmpty())) {
            throw new FerryException(ExitCode.JOURNAL, where + " that changed roles or configs (" 
                    + journal.pendingConfigChanges().size() + " config changes pending): --restart would forget them; run ferry resume");
        }
    }

    private static void checkResumable(Journal journal) {
        RunStatus status = journal.status();
        switch (status) {
            case NONE -> throw new FerryException(ExitCode.JOURNAL, "nothing to resume: no journal at " + journal.file()
                    + ": start with ferry run SPEC (or pass the --state-dir of that run)");
            case COMPLETED -> throw new FerryException(ExitCode.JOURNAL, "the run already completed (" + journal.file()
                    + "): nothing to resume; ferry run SPEC --restart starts a new one");
            case ABORTED -> throw new FerryException(ExitCode.JOURNAL, "the run was aborted before b's promotion and a is master again: "
                    + "ferry run SPEC --restart starts over");
            default -> {
            }
        }
    }

    private static String describe(RunStatus status, Journal journal) {
        return switch (status) {
            case FAILED -> "run that failed at step '" + journal.failedStep().orElse("?") + "'";
            case IN_PROGRESS -> "run in progress or interrupted (at step '" + lastStep(journal) + "')";
            case COMPLETED -> "completed run";
            case ABORTED -> "run aborted before promotion";
            case NONE -> "no run";
        };
    }

    private static String lastStep(Journal journal) {
        return journal.entries().stream().filter(e -> Journal.STEP.equals(e.kind())).reduce((x, y) -> y)
                .map(e -> e.step()).orElse("start");
    }

    private RunResult execute(Journal journal, String verb) {
        if (spec.cutover().mode() == dev.ferry.core.spec.CutoverSpec.Mode.DRAIN && !options.acceptDivergence()) {
            throw new FerryException(ExitCode.PREFLIGHT, "cutover mode drain lets a and b both take writes: writes on b "
                    + "never reach c and writes on a after b's promotion are lost; pass --accept-divergence to accept "
                    + "that, or use mode: pause (zero loss)");
        }
        try (Servers servers = openServers()) {
            refuseIfAnotherRunIsConnected(servers);
            Spec resolved = probesSync ? resolveSync(journal, servers) : spec;
            refuseTimedFenceUnlessAccepted(resolved);
            RunContext ctx = context(resolved, journal, servers);
            ctx.trafficSwitch().prepare(); // before any step: nothing is created inside the cutover window
            journal.append(Journal.RUN, null, verb.toUpperCase(java.util.Locale.ROOT), runFacts(verb, resolved));
            try {
                for (Step step : procedure.apply(resolved)) {
                    if (!journal.completed(step.name())) {
                        stopAtBoundary(ctx, step);
                        runStep(ctx, step);
                    }
                }
            } finally {
                ctx.canary().stop(); // a run that stops before the cutover leaves no heartbeat running or behind
                ctx.closeShared(); // the logical sync's capture and heartbeat
            }
            journal.ended(RunStatus.COMPLETED, Map.of());
            return new RunResult(RunStatus.COMPLETED, Report.from(spec, journal));
        }
    }

    // ---- what a verb's steps run with: shared with Rollback ---------------------------------------------------

    Spec spec() {
        return spec;
    }

    RunOptions options() {
        return options;
    }

    RunListener listener() {
        return listener;
    }

    Journal openJournal() {
        return Journal.open(options.stateDir(), spec.name(), clock);
    }

    Servers openServers() {
        return Servers.of(spec, secrets, clientName.orElseGet(() -> Servers.clientNameFor(spec.name())));
    }

    /**
     * The logical sync's only fence on a source that refuses CONFIG is a timed pause: it ends with its timeout even
     * while ferry is dead, so a run needs the operator's explicit consent, as drain needs --accept-divergence.
     */
    private void refuseTimedFenceUnlessAccepted(Spec resolved) {
        if (resolved.logicalSync() && !options.acceptTimedFence()) {
            throw new FerryException(ExitCode.PREFLIGHT, "the logical sync can fence a only with a timed CLIENT PAUSE "
                    + resolved.cutover().maxPause().toMillis() + " WRITE (a refuses CONFIG: no fence outlives ferry);"
                    + " pass " + SyncChecks.TIMED_FENCE_FLAG + " to accept that, or move a source that allows replication");
        }
    }

    RunContext context(Journal journal, Servers servers) {
        return context(spec, journal, servers);
    }

    RunContext context(Spec spec, Journal journal, Servers servers) {
        return new RunContext(spec, servers, journal, Switches.of(spec, servers, Optional.of(options.stateDir())), options,
                confirmer, listener, clock, Ticker.system(), gate);
    }

    /** The lock file guards one state directory; ferry's named connections guard the servers themselves. */
    private static void refuseIfAnotherRunIsConnected(Servers servers) {
        CheckResult check = Preflight.otherRuns(servers);
        if (check.failed()) {
            throw new FerryException(ExitCode.LOCKED, check.oneLine());
        }
    }

    /**
     * {@code sync: auto} is resolved once, by the run that starts the move, and journaled: a resume goes on with the
     * same method, and must not need a to answer a probe (behind the closed-door fence a admits no one).
     */
    private Spec resolveSync(Journal journal, Servers servers) {
        Optional<String> journaled = journal.entries().stream().filter(e -> Journal.RUN.equals(e.kind()))
                .map(e -> e.facts().get(SYNC_METHOD)).filter(java.util.Objects::nonNull).map(String::valueOf)
                .reduce((first, second) -> second);
        if (journaled.isPresent()) {
            return spec.withSyncMethod(dev.ferry.core.spec.SyncSpec.Method.valueOf(journaled.get()));
        }
        return SyncChecks.resolve(spec, servers);
    }

    private Map<String, Object> runFacts(String verb, Spec resolved) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("spec", spec.name());
        facts.put("servers", serverList(spec));
        facts.put("pid", ProcessHandle.current().pid());
        facts.put("verb", verb);
        facts.put(SYNC_METHOD, resolved.sync().method().name());
        return facts;
    }

    /**
     * A step boundary is the safest point there is (everything before it journaled, nothing of the next one
     * begun): a signal that arrived during the last step stops the run here, with the journal saying where.
     */
    static void stopAtBoundary(RunContext ctx, Step next) {
        if (ctx.stop().requested()) {
            ctx.journal().append(Journal.RUN, null, STOPPED, Map.of("signal", ctx.stop().signalName(), "before", next.name()));
            ctx.stopIfSignalled("before step '" + next.name() + "'");
        }
    }

    private void runStep(RunContext ctx, Step step) {
        Journal journal = ctx.journal();
        listener.stepStarted(step.name());
        journaled(journal, () -> journal.stepStarted(step.name(), Map.of()));
        FailPoints.hit(step.name() + ":started");
        if (step.yieldsToFences()) {
            ctx.yieldToFences();
        }
        long start = System.nanoTime();
        Map<String, Object> facts;
        try {
            facts = step.run(ctx);
        } catch (FerryException e) {
            // after b's promotion what matters is that b is master: a step that stopped (or a journal that could
            // not be written) says so with exit 8, whatever it was
            throw failed(ctx, step, (e.code() == ExitCode.STOPPED || e.code() == ExitCode.JOURNAL) && afterPromotion(journal)
                    ? new FerryException(ExitCode.INCOMPLETE, e.getMessage() + " (b is already master)", e) : e);
        } catch (RedisError e) {
            throw failed(ctx, step, new FerryException(afterPromotion(journal) ? ExitCode.INCOMPLETE : ExitCode.STOPPED,
                    e.getMessage() + ": fix it on that server, then run ferry resume", e));
        } catch (RuntimeException e) {
            throw failed(ctx, step, new FerryException(afterPromotion(journal) ? ExitCode.INCOMPLETE : ExitCode.INTERNAL,
                    "step '" + step.name() + "' failed unexpectedly: " + e + ": check ferry status, then ferry resume", e));
        } finally {
            ctx.releaseSignals();
        }
        journaled(journal, () -> journal.stepCompleted(step.name(), facts));
        FailPoints.hit(step.name() + ":completed");
        listener.stepFinished(step.name(), Duration.ofNanos(System.nanoTime() - start), facts);
    }

    /** A journal write between steps that fails (a full disk) after b's promotion is exit 8: b is master. */
    private static void journaled(Journal journal, Runnable write) {
        try {
            write.run();
        } catch (FerryException e) {
            throw e.code() == ExitCode.JOURNAL && afterPromotion(journal)
                    ? new FerryException(ExitCode.INCOMPLETE, e.getMessage() + " (b is already master)", e) : e;
        }
    }

    private static boolean afterPromotion(Journal journal) {
        return Cutover.promoted(journal);
    }

    private FerryException failed(RunContext ctx, Step step, FerryException failure) {
        Journal journal = ctx.journal();
        boolean aborted = failure.code() == ExitCode.ABORTED
                || (failure.code() == ExitCode.DECLINED && !afterPromotion(journal));
        String sentinels = aborted ? SentinelWatch.rewatchA(ctx) : "";
        FerryException e = sentinels.isEmpty() ? failure
                : new FerryException(failure.code(), failure.getMessage() + sentinels, failure);
        listener.stepFailed(step.name(), e.getMessage());
        try {
            if (aborted) {
                journal.ended(RunStatus.ABORTED, Map.of("why", e.getMessage()));
            } else {
                journal.stepFailed(step.name(), e.getMessage());
            }
        } catch (FerryException journalFull) {
            // the step's own failure is what the operator must see; the journal's is added, not put in its place
            return e.getMessage().contains(journalFull.getMessage()) ? e
                    : new FerryException(e.code(), e.getMessage() + " (and " + journalFull.getMessage() + ")", e);
        }
        return e;
    }

    /** The journal's report, for status or a report file of the last run. */
    public static Map<String, Object> report(Spec spec, Journal journal) {
        return Report.from(spec, journal);
    }

    /** The steps a run of {@code spec} goes through, by name. */
    public static List<String> plannedSteps(Spec spec) {
        return stepNames(spec);
    }

    static List<String> stepNames(Spec spec) {
        return Procedure.steps(spec).stream().map(Step::name).toList();
    }
}
