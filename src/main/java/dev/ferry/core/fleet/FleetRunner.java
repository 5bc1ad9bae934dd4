package dev.ferry.core.fleet;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.FenceGate;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.StopRequest;
import dev.ferry.core.run.Planner;
import dev.ferry.core.run.Rollback;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.FleetFile;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code ferry fleet run|resume|rollback}: every pair of a fleet through the single-run machinery, at most
 * {@code parallel} at once. Each pair keeps its own journal and lock in the state directory, exactly as
 * {@code ferry run} would, and its own abort rules; the fleet journals which pair it started and how each ended.
 * A failure with {@code on-failure: stop}, or a signal, starts no new pair; the running ones finish or stop at
 * their own safe points. The pairs share one {@link FenceGate}: one pair at a time is inside its fenced window,
 * the others wait before their fence, and their syncs and verifies yield to it.
 */
public final class FleetRunner {
    public static final String PAIR = "pair";

    private final FleetFile fleet;
    private final RunOptions options;
    private final Function<Spec, RunListener> listeners;
    private final SecretSource secrets;
    private final Clock clock;
    private Consumer<PairOutcome> ended = p -> { };
    /** One pair fenced at a time: the others wait before their fence, and their syncs and verifies yield to it. */
    private final FenceGate gate = FenceGate.shared();

    public FleetRunner(FleetFile fleet, RunOptions options, Function<Spec, RunListener> listeners, SecretSource secrets,
            Clock clock) {
        this.fleet = fleet;
        this.options = options.withYes(); // the fleet asked once for all of its pairs
        this.listeners = listeners;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Each pair's preflight, plus the conflicts between pairs; read-only. Up to {@code parallel} pairs are checked at
     * once (each pair's checks are its own, on its own servers): done one by one they took half a second a pair, the
     * bulk of a 50-pair fleet's time at {@code parallel: 8}. Results keep the fleet file's order.
     */
    public FleetPreflight preflight() {
        Map<String, List<CheckResult>> checks = new LinkedHashMap<>();
        Map<String, Map<String, String>> ids = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(fleet.parallel(), fleet.specs().size())),
                r -> new Thread(r, "ferry-fleet-preflight"));
        try {
            Map<String, Future<List<CheckResult>>> futures = new LinkedHashMap<>();
            for (Spec spec : fleet.specs()) {
                futures.put(spec.name(), pool.submit(() -> new Planner(spec, options, secrets)
                        .preflight(servers -> ids.put(spec.name(), FleetConflicts.serverIds(servers)))));
            }
            futures.forEach((name, f) -> checks.put(name, preflightOf(f)));
        } finally {
            pool.shutdownNow();
        }
        return new FleetPreflight(checks, FleetConflicts.find(fleet.specs(), ids), fleet.onFailure());
    }

    /** A pair's checks; what a pair's preflight throws is thrown as a one-by-one preflight would have thrown it. */
    private static List<CheckResult> preflightOf(Future<List<CheckResult>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INTERNAL, "interrupted while waiting for a pair's preflight", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new FerryException(ExitCode.INTERNAL, "a pair's preflight failed: " + e.getCause(), e.getCause());
        }
    }

    /** Told how each pair ended, as soon as it ends (the status page). */
    public FleetRunner onPairEnded(Consumer<PairOutcome> watcher) {
        this.ended = watcher;
        return this;
    }

    /** Every pair's plan, as {@code ferry plan} shows it, in the fleet file's order. */
    public record FleetPlan(Map<String, Planner.Plan> plans, List<String> conflicts) {
    }

    /**
     * Every pair's plan and the conflicts between pairs; read-only. The servers' run_ids are read where each pair's
     * plan connected to them.
     */
    public FleetPlan plan() {
        Map<String, Planner.Plan> plans = new LinkedHashMap<>();
        Map<String, Map<String, String>> ids = new LinkedHashMap<>();
        for (Spec spec : fleet.specs()) {
            plans.put(spec.name(), new Planner(spec, options, secrets)
                    .plan(servers -> ids.put(spec.name(), FleetConflicts.serverIds(servers))));
        }
        return new FleetPlan(plans, FleetConflicts.find(fleet.specs(), ids));
    }

    /** Preflight first (nothing changes when it refuses the fleet), then every pair that passed. */
    public FleetResult run() {
        FleetPreflight preflight = preflight();
        preflight.refuseIfBlocked();
        Journal journal = journal();
        journal.append(Journal.RUN, null, "FLEET_RUN", Map.of("specs", names(fleet.specs()), "parallel", fleet.parallel()));
        List<PairOutcome> skipped = new ArrayList<>();
        List<Spec> go = new ArrayList<>();
        for (Spec spec : fleet.specs()) {
            if (preflight.failed(spec.name())) {
                skipped.add(new PairOutcome(spec.name(), PairOutcome.Outcome.SKIPPED, ExitCode.PREFLIGHT.value(),
                        "skipped (on-failure: continue): " + preflight.firstFailure(spec.name()), 0));
                journal.append(PAIR, spec.name(), "SKIPPED", Map.of("exit", ExitCode.PREFLIGHT.value()));
                ended.accept(skipped.get(skipped.size() - 1));
            } else {
                go.add(spec);
            }
        }
        return finish(journal, skipped, execute(journal, go, this::moveOrFinish));
    }

    /** Unfinished and failed pairs go on; a pair that finished is never touched again. */
    public FleetResult resume() {
        Journal journal = journal();
        if (journal.status() == RunStatus.NONE) {
            throw new FerryException(ExitCode.JOURNAL, "nothing to resume: no fleet journal at " + journal.file()
                    + ": start with ferry fleet run " + fleet.file() + " (or pass the --state-dir of that run)");
        }
        journal.append(Journal.RUN, null, "FLEET_RESUME", Map.of("specs", names(fleet.specs())));
        return finish(journal, List.of(), execute(journal, fleet.specs(), this::moveOrFinish));
    }

    /** The named pairs, or every pair that finished, undone in reverse order with the fleet's concurrency. */
    public FleetResult rollback(Set<String> only) {
        Journal journal = journal();
        List<Spec> pairs = new ArrayList<>();
        for (Spec spec : fleet.specs()) {
            if (only.isEmpty() ? pairJournal(spec).status() == RunStatus.COMPLETED : only.contains(spec.name())) {
                pairs.add(spec);
            }
        }
        List<String> unknown = only.stream().filter(n -> fleet.specs().stream().noneMatch(s -> s.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new FerryException(ExitCode.BAD_SPEC, "no pair named " + unknown + " in " + fleet.file()
                    + " (names are the specs' name: keys; ferry fleet status lists them)");
        }
        Collections.reverse(pairs);
        journal.append(Journal.RUN, null, "FLEET_ROLLBACK", Map.of("specs", names(pairs)));
        return finish(journal, List.of(), execute(journal, pairs, this::rollBack));
    }

    /** Per pair: its journal's status and step, and the fleet journal's last word on it. */
    public List<Map<String, Object>> status() {
        Journal journal = journal();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Spec spec : fleet.specs()) {
            Journal pair = pairJournal(spec);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("spec", spec.name());
            row.put("status", pair.status().name());
            row.put("step", pair.entries().stream().filter(e -> Journal.STEP.equals(e.kind())).reduce((x, y) -> y)
                    .map(e -> e.step() + " " + e.status()).orElse("-"));
            lastPairEntry(journal, spec.name()).ifPresent(e -> {
                row.put("fleet", e.status());
                if (e.fact("exit") != null) {
                    row.put("exit", e.fact("exit"));
                }
            });
            rows.add(row);
        }
        return rows;
    }

    private static java.util.Optional<JournalEntry> lastPairEntry(Journal journal, String spec) {
        return journal.entries().stream().filter(e -> PAIR.equals(e.kind()) && spec.equals(e.step())).reduce((x, y) -> y);
    }

    public Journal journal() {
        return Journal.open(options.stateDir(), "fleet-" + fleet.name(), clock);
    }

    private Journal pairJournal(Spec spec) {
        return Journal.open(options.stateDir(), spec.name(), clock);
    }

    /** What one pair does in a run or a resume, decided from its own journal. */
    private PairOutcome moveOrFinish(Spec spec) {
        RunStatus status = pairJournal(spec).status();
        boolean rolledBack = pairJournal(spec).entries().stream().anyMatch(e -> Journal.END.equals(e.kind())
                && String.valueOf(e.fact("why")).startsWith(Rollback.ROLLED_BACK));
        if (status == RunStatus.COMPLETED || rolledBack) {
            return new PairOutcome(spec.name(), PairOutcome.Outcome.ALREADY_DONE, 0,
                    rolledBack ? "rolled back earlier: not touched" : "finished earlier: not touched", 0);
        }
        RunOptions pairOptions = status == RunStatus.ABORTED ? withRestart(options) : options;
        Runner runner = new Runner(spec, pairOptions, Confirmer.YES, listeners.apply(spec), secrets, clock)
                .sharingFences(gate);
        boolean unfinished = status == RunStatus.IN_PROGRESS || status == RunStatus.FAILED;
        return timed(spec, unfinished ? runner::resume : runner::run, unfinished ? "finished" : "moved");
    }

    private PairOutcome rollBack(Spec spec) {
        Rollback rollback = new Rollback(spec, options, Confirmer.YES, listeners.apply(spec), secrets, clock)
                .sharingFences(gate);
        return timed(spec, rollback::rollback, "rolled back");
    }

    private static RunOptions withRestart(RunOptions o) {
        return new RunOptions(o.yes(), o.forceWipeTarget(), o.stateDir(), true, o.acceptDivergence());
    }

    private static PairOutcome timed(Spec spec, java.util.function.Supplier<?> command, String done) {
        long start = System.nanoTime();
        try {
            command.get();
            return new PairOutcome(spec.name(), PairOutcome.Outcome.DONE, 0, done, elapsed(start));
        } catch (FerryException e) {
            return new PairOutcome(spec.name(), PairOutcome.Outcome.FAILED, e.code().value(), e.getMessage(), elapsed(start));
        } catch (RuntimeException e) {
            return new PairOutcome(spec.name(), PairOutcome.Outcome.FAILED, ExitCode.INTERNAL.value(),
                    "internal error: " + e + " (please report it with the pair's journal)", elapsed(start));
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * Up to {@code parallel} pairs at once, in order. Before a pair starts: no signal, and no failure under
     * {@code on-failure: stop}; otherwise it is journaled as not started and left as it was.
     */
    private List<PairOutcome> execute(Journal journal, List<Spec> pairs, Function<Spec, PairOutcome> verb) {
        AtomicBoolean halted = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(fleet.parallel(), pairs.size())),
                r -> new Thread(r, "ferry-fleet-pair"));
        try {
            List<Future<PairOutcome>> futures = new ArrayList<>();
            for (Spec spec : pairs) {
                futures.add(pool.submit(() -> one(journal, spec, verb, halted)));
            }
            List<PairOutcome> outcomes = new ArrayList<>();
            for (Future<PairOutcome> f : futures) {
                outcomes.add(await(f));
            }
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }

    private PairOutcome one(Journal journal, Spec spec, Function<Spec, PairOutcome> verb, AtomicBoolean halted) {
        StopRequest stop = StopRequest.process();
        if (halted.get() || stop.requested()) {
            String why = stop.requested() ? "not started: " + stop.signalName() + " stopped the fleet"
                    : "not started: a pair failed and on-failure is stop";
            journal.append(PAIR, spec.name(), "NOT_STARTED", Map.of("why", why));
            PairOutcome outcome = new PairOutcome(spec.name(), PairOutcome.Outcome.NOT_STARTED, 0, why, 0);
            ended.accept(outcome);
            return outcome;
        }
        journal.append(PAIR, spec.name(), "STARTED", Map.of());
        PairOutcome outcome = verb.apply(spec);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("exit", outcome.exitCode());
        facts.put("message", outcome.message());
        facts.put("millis", outcome.millis());
        journal.append(PAIR, spec.name(), outcome.failed() ? "FAILED" : "COMPLETED", facts);
        ended.accept(outcome);
        if (outcome.failed() && fleet.onFailure() == FleetFile.OnFailure.STOP) {
            halted.set(true);
        }
        return outcome;
    }

    private static PairOutcome await(Future<PairOutcome> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INTERNAL, "interrupted while waiting for a pair", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new FerryException(ExitCode.INTERNAL, "a pair's thread failed: " + e.getCause(), e.getCause());
        }
    }

    private FleetResult finish(Journal journal, List<PairOutcome> skipped, List<PairOutcome> ran) {
        List<PairOutcome> all = new ArrayList<>(skipped);
        all.addAll(ran);
        FleetResult result = new FleetResult(fleet.name(), all);
        journal.ended(result.exitCode() == 0 ? RunStatus.COMPLETED : RunStatus.FAILED,
                Map.of("exit", result.exitCode(), "summary", result.summary()));
        return result;
    }

    private static List<String> names(List<Spec> specs) {
        return specs.stream().map(Spec::name).toList();
    }
}
