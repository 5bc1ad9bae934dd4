package dev.ferry.core.run;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.journal.RunLock;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.FenceGate;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Step;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Sentinel;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.DetachTargets;
import dev.ferry.core.steps.SentinelForget;
import dev.ferry.core.steps.SentinelWatch;
import dev.ferry.core.steps.SwitchBack;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ferry rollback}: undoes a run, from the journal and live state. Before b's promotion b and c are
 * detached and a is left as it was; after it, a fenced switch-back makes a the master again with nothing lost.
 * Sentinels the run moved ({@code sentinel: { action: move }}) forget b first and monitor a again at the end.
 * Journaled in the run's own journal, which ends ABORTED ("a is master again") when the rollback is done.
 */
public final class Rollback {
    public static final String ROLLED_BACK = "rolled back";

    /** The run's own spec, options, servers and context: rollback undoes it with the same means. */
    private final Runner runner;

    public Rollback(Spec spec, RunOptions options, Confirmer confirmer, RunListener listener, SecretSource secrets,
            Clock clock) {
        this.runner = new Runner(spec, options, confirmer, listener, secrets, clock);
    }

    /** The fenced windows this rollback shares with others (a fleet's pairs): see {@link Runner#sharingFences}. */
    public Rollback sharingFences(FenceGate gate) {
        runner.sharingFences(gate);
        return this;
    }

    public RunResult rollback() {
        Spec spec = runner.spec();
        Journal journal = runner.openJournal();
        runner.checkSameServers(journal);
        checkSomethingToUndo(journal);
        try (RunLock lock = RunLock.acquire(runner.options().stateDir(), spec.name(), "rollback");
                Servers servers = runner.openServers()) {
            RunContext ctx = runner.context(journal, servers);
            ctx.trafficSwitch().prepare(); // the hook's log, before the switch-back's window opens
            boolean promoted = Cutover.promoted(journal)
                    || (journal.reached(Cutover.NAME, Milestone.PROMOTING) && servers.b().replication().isMaster());
            Step step = promoted ? new SwitchBack() : new DetachTargets();
            journal.append(Journal.RUN, null, "ROLLBACK", Map.of("spec", spec.name(), "servers", Runner.serverList(spec),
                    "pid", ProcessHandle.current().pid(), "verb", "rollback", "path", step.name()));
            // the mirror of the run's Sentinel steps: a Sentinel watching b would fail over back to it
            boolean sentinels = spec.sentinel().action() == Sentinel.Action.MOVE
                    && journal.started(SentinelForget.NAME);
            if (sentinels && promoted) {
                runStep(ctx, SentinelForget.rollback());
            }
            try {
                runStep(ctx, step);
            } catch (FerryException e) {
                throw sentinels && promoted ? new FerryException(e.code(), e.getMessage() + " (meanwhile the"
                        + " Sentinels monitor " + spec.sentinel().masterName().orElse("") + " nowhere: ferry rollback,"
                        + " once it finishes, has them watch a again)", e) : e;
            }
            if (sentinels) {
                runStep(ctx, SentinelWatch.rollback());
            }
            journal.ended(RunStatus.ABORTED, Map.of("why", ROLLED_BACK + " (" + step.name() + ")"));
            return new RunResult(RunStatus.ABORTED, Report.from(spec, journal));
        }
    }

    private static void checkSomethingToUndo(Journal journal) {
        if (journal.status() == RunStatus.NONE) {
            throw new FerryException(ExitCode.JOURNAL, "nothing to roll back: no journal at " + journal.file()
                    + ": pass the --state-dir of the run to undo");
        }
        boolean rolledBack = journal.entries().stream().anyMatch(e -> Journal.END.equals(e.kind())
                && String.valueOf(e.fact("why")).startsWith(ROLLED_BACK));
        if (journal.status() == RunStatus.ABORTED && (rolledBack || !Cutover.promoted(journal))) {
            throw new FerryException(ExitCode.JOURNAL, "nothing to roll back: the journal " + journal.file()
                    + " shows the run already " + (rolledBack ? "rolled back" : "aborted before b's promotion")
                    + " and a master again; ferry run SPEC --restart starts a new run");
        }
    }

    /** Like a run's step: journaled before and after; a failure is journaled and rollback can simply be run again. */
    private void runStep(RunContext ctx, Step step) {
        Runner.stopAtBoundary(ctx, step);
        RunListener listener = runner.listener();
        listener.stepStarted(step.name());
        ctx.journal().stepStarted(step.name(), Map.of());
        long start = System.nanoTime();
        Map<String, Object> facts;
        try {
            facts = step.run(ctx);
        } catch (FerryException e) {
            throw failed(ctx, step, e);
        } catch (RedisError e) {
            throw failed(ctx, step, new FerryException(ExitCode.INCOMPLETE, e.getMessage()
                    + ": fix it on that server, then run ferry rollback again", e));
        } finally {
            ctx.releaseSignals();
        }
        ctx.journal().stepCompleted(step.name(), facts);
        listener.stepFinished(step.name(), Duration.ofNanos(System.nanoTime() - start), facts);
    }

    private FerryException failed(RunContext ctx, Step step, FerryException e) {
        runner.listener().stepFailed(step.name(), e.getMessage());
        ctx.journal().stepFailed(step.name(), e.getMessage());
        return e;
    }
}
