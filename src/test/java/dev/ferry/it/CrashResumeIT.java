package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.steps.DrainWatch;
import dev.ferry.core.steps.SyncFromSource;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3, done when: {@code ferry run} killed with SIGKILL during sync, right after b's promotion (journaled
 * or not yet), while a is fenced, and during the drain watch; then {@code run} is refused, {@code status} shows
 * the interrupted step, and {@code resume} finishes with nothing lost and a following b. ferry runs as a child
 * JVM so that the kill is real; the writers keep writing through the crash and the resume.
 */
class CrashResumeIT {
    private static final Duration CHILD_LIMIT = ChildFerry.LIMIT;

    @Test
    void killedDuringSync() {
        // a 2 s diskless-sync delay keeps the sync step running long enough to be killed in it
        Map<String, String> slowSync = Map.of("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "2");
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system(), slowSync))) {
            rig.spec("replica", "2s", "2s");
            rig.startWriters();
            killWhen(rig, SyncFromSource.NAME, "STARTED");
            assertInterruptedAt(rig, SyncFromSource.NAME);
            resumeFinishes(rig);
        }
    }

    @Test
    void killedRightAfterPromotion() {
        crashAtFailPoint("cutover:promoted", "PROMOTED");
    }

    @Test
    void killedAfterPromotionBeforeItWasJournaled() {
        crashAtFailPoint("cutover:promoted-unjournaled", "PROMOTING");
    }

    @Test
    void killedWhileAIsFenced() {
        crashAtFailPoint("cutover:fenced", "FENCED");
    }

    @Test
    void killedDuringDrainWatch() {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "30s");
            rig.startWriters();
            try (StrayClient stray = StrayClient.connect(rig.a())) {
                killWhen(rig, DrainWatch.NAME, "STARTED");
                assertThat(stray.connects()).as("the stray client kept coming back to a").isGreaterThan(1);
            }
            assertInterruptedAt(rig, DrainWatch.NAME);
            resumeFinishes(rig);
        }
    }

    /**
     * Before 6.2 the fence is a closed door (maxclients) that frees a slot when ferry dies: once b is promoted,
     * a must refuse writes and scripts with nobody holding the door (it failed before: a took a plain write).
     */
    @ParameterizedTest(name = "a = b = c = {0}, {1}")
    @CsvSource({"3.0.4, cutover:promoted, PROMOTED", "5.0.14, cutover:promoted, PROMOTED",
            "5.0.14, cutover:promoted-unjournaled, PROMOTING"})
    void oldSourceKilledAfterPromotion(String version, String failPoint, String lastCutoverEntry) {
        RedisBinary old = Binaries.require(version);
        crashAtFailPoint(old, failPoint, lastCutoverEntry);
    }

    @ParameterizedTest(name = "a = b = c = {0}")
    @CsvSource({"3.0.4", "5.0.14"})
    void oldSourceKilledWhileFenced(String version) {
        RedisBinary old = Binaries.require(version);
        crashAtFailPoint(old, "cutover:fenced", "FENCED");
    }

    /**
     * ferry killed at every step boundary (the journal line written, nothing after it): resume finishes with
     * nothing lost, whatever state the crash left. The cutover's inner points are covered above.
     */
    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {"preflight:started", "preflight:completed", "sync b from a:completed",
            "chain c to b:started", "chain c to b:completed", "verify b against a:completed", "cutover:started",
            "cutover:completed", "switch traffic:completed", "drain watch:completed", "after:started",
            "after:completed", "persist roles:completed", "post-checks:completed", "verify c against b:completed"})
    void killedAtAStepBoundaryResumeFinishes(String failPoint) {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "1s");
            rig.startWriters();
            Path log = haltAt(rig, failPoint);
            String step = failPoint.substring(0, failPoint.indexOf(':'));
            assertThat(lastOf(rig.journal(), step)).as(output(log)).isPresent();
            resumeFinishes(rig);
        }
    }

    private static void crashAtFailPoint(String failPoint, String lastCutoverEntry) {
        crashAtFailPoint(RedisBinary.system(), failPoint, lastCutoverEntry);
    }

    /**
     * Issue 17: killed between a's REPLICAOF toward a newer b it cannot load and the confirmation that the resync
     * was partial: resume confirms it from live state and undoes the guards (ping period, b's sync delay).
     */
    @Test
    void killedBeforeTheFollowBackWasConfirmed() {
        crashAtFailPoint(RedisBinary.system(), Binaries.require("7.2.6"), "follow-back:attached", "FOLLOW_BACK");
    }

    private static void crashAtFailPoint(RedisBinary binary, String failPoint, String lastCutoverEntry) {
        crashAtFailPoint(binary, binary, failPoint, lastCutoverEntry);
    }

    private static void crashAtFailPoint(RedisBinary a, RedisBinary bc, String failPoint, String lastCutoverEntry) {
        try (Rig rig = Rig.start(Rig.config(a, bc))) {
            rig.spec("replica", "2s", "2s");
            rig.startWriters();
            Path log = haltAt(rig, failPoint);
            assertThat(lastOf(rig.journal(), "cutover").map(JournalEntry::status)).as(output(log)).contains(lastCutoverEntry);
            // the fence outlives ferry: with ferry dead, a takes no write (b may already be master)
            Roles.assertRefusesWrites(rig.a());
            assertInterruptedAt(rig, "cutover");
            // a fence may be up and b may hold acknowledged writes: starting over would forget both
            Cli.Result restart = Cli.run(rig.args("run", "--yes", "--restart"));
            assertThat(restart.code()).as(restart.toString()).isEqualTo(6);
            assertThat(rig.journal().status()).as("the journal was kept").isEqualTo(RunStatus.IN_PROGRESS);
            resumeFinishes(rig);
        }
    }

    /** Runs ferry in a child JVM that halts at {@code failPoint} as if SIGKILLed (exit 137); returns its log. */
    private static Path haltAt(Rig rig, String failPoint) {
        Path log = rig.stateDir().resolveSibling("child.log");
        Process child = startChild(rig, failPoint, log);
        try {
            assertThat(waitFor(child)).as(output(log)).isEqualTo(137);
        } finally {
            child.destroyForcibly();
        }
        return log;
    }

    /** Starts ferry in a child JVM and SIGKILLs it once its journal shows {@code step} at {@code status}. */
    private static void killWhen(Rig rig, String step, String status) {
        Path log = rig.stateDir().resolveSibling("child.log");
        Process child = startChild(rig, null, log);
        try {
            await(step + " " + status + " in the journal").atMost(CHILD_LIMIT).pollInterval(Duration.ofMillis(5))
                    .failFast("ferry ended on its own: " + output(log), () -> !child.isAlive())
                    .until(() -> lastOf(rig.journal(), step).map(JournalEntry::status).filter(status::equals).isPresent());
            child.destroyForcibly();
            assertThat(waitFor(child)).as("killed by SIGKILL").isEqualTo(137);
        } finally {
            child.destroyForcibly();
        }
        assertThat(lastOf(rig.journal(), step).map(JournalEntry::status)).as("killed inside the step").contains(status);
    }

    /** After the crash: a new run is refused, status names the step the run stopped in. */
    private static void assertInterruptedAt(Rig rig, String step) {
        Cli.Result run = Cli.run(rig.args("run", "--yes"));
        assertThat(run.code()).as(run.toString()).isEqualTo(6);
        assertThat(run.err()).contains("ferry resume");
        Cli.Result status = Cli.run(rig.args("status"));
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("status: IN_PROGRESS").containsPattern("\\n  " + step + ": (?!COMPLETED|-)");
    }

    static void resumeFinishes(Rig rig) {
        Cli.Result resume = Cli.run(rig.args("resume", "--yes"));
        assertThat(resume.code()).as(resume.toString()).isZero();
        rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 200, Duration.ofSeconds(10));
        rig.stopAndCheck().assertNothingLost();
        assertThat(Roles.role(rig.b())).isEqualTo("master");
        assertThat(Roles.role(rig.a())).isEqualTo(Roles.replicaOf(rig.b()));
        assertThat(Roles.role(rig.c())).isEqualTo(Roles.replicaOf(rig.b()));
        Journal journal = rig.journal();
        assertThat(journal.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(journal.pendingConfigChanges()).as("no config change left pending").isEmpty();
        System.out.println("resumed: " + rig.writers().stats().summary());
    }

    private static Process startChild(Rig rig, String failPoint, Path log) {
        return ChildFerry.start(rig, failPoint == null ? Map.of() : Map.of("FERRY_FAILPOINT", failPoint), log, "run", "--yes");
    }

    private static int waitFor(Process child) {
        return ChildFerry.waitFor(child);
    }

    private static Optional<JournalEntry> lastOf(Journal journal, String step) {
        return journal.lastOf(step);
    }

    private static String output(Path log) {
        return ChildFerry.output(log);
    }
}
