package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.run.Runner;
import dev.ferry.testkit.RedisBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, signals for a single run (invariant 11): ferry, in a child JVM, sends itself a real SIGINT (or
 * SIGTERM) at a step boundary or inside the cutover. It must stop at its next safe point with exit 12, the journal
 * saying where, no server paused and the switch whole (done, or not begun); a second signal inside the fence ends
 * through the abort path (exit 5, a master again). Every case then finishes with nothing lost.
 */
class SignalIT {
    private static final int INTERRUPTED = 12;
    private static final int ABORTED = 5;

    /** {@code cutOver}: whether the run must have finished the cutover (the signal came inside it or after it). */
    @ParameterizedTest(name = "SIGINT at {0}")
    @CsvSource({"preflight:completed, false", "sync b from a:started, false", "chain c to b:completed, false",
            "cutover:started, false", "cutover:fenced, true", "cutover:promoted, true", "switch traffic:completed, true",
            "after:started, true", "post-checks:completed, true"})
    void oneSignalStopsAtTheNextSafePoint(String point, boolean cutOver) {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "1s");
            rig.startWriters();
            Map<String, String> fenceBefore = Roles.fenceConfigs(rig.a());
            Path log = signalAt(rig, point, "INT", 1, INTERRUPTED, "run", "--yes");
            assertThat(rig.journal().completed("cutover")).as("cut over; " + ChildFerry.output(log)).isEqualTo(cutOver);
            assertSafeStop(rig, fenceBefore, log);
            CrashResumeIT.resumeFinishes(rig);
        }
    }

    @Test
    void sigtermInsideTheFenceFinishesTheCutoverThenStops() {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "1s");
            rig.startWriters();
            Path log = signalAt(rig, "cutover:fenced", "TERM", 1, INTERRUPTED, "run", "--yes");
            assertThat(rig.journal().completed("cutover")).as(ChildFerry.output(log)).isTrue();
            assertSafeStop(rig, Map.of(), log);
            CrashResumeIT.resumeFinishes(rig);
        }
    }

    /** The second signal cuts the wait for b short, and the fence comes down through the abort path. */
    @Test
    void secondSignalInsideTheFenceAbortsThroughTheAbortPath() {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "1s");
            rig.startWriters();
            Map<String, String> fenceBefore = Roles.fenceConfigs(rig.a());
            Path log = signalAt(rig, "cutover:fenced", "INT", 2, ABORTED, "run", "--yes");
            assertThat(ChildFerry.output(log)).contains("second SIGINT");
            assertThat(rig.journal().status()).isEqualTo(RunStatus.ABORTED);
            assertThat(Roles.role(rig.a())).isEqualTo("master");
            assertThat(Roles.fenceConfigs(rig.a())).as("a's fence lifted").isEqualTo(fenceBefore);
            Roles.assertTakesWrites(rig.a(), Duration.ofSeconds(1));
            assertThat(Roles.role(rig.b())).isEqualTo(Roles.replicaOf(rig.a()));
            rig.stopAndCheck().assertNothingLost();
        }
    }

    /** rollback's switch-back: one signal inside its fence lets it finish; two abort it with b master again. */
    @ParameterizedTest(name = "{0} SIGINT inside the switch-back")
    @ValueSource(ints = {1, 2})
    void signalInsideTheSwitchBack(int signals) {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            rig.spec("replica", "2s", "1s");
            rig.startWriters();
            Cli.Result run = Cli.run(rig.args("run", "--yes"));
            assertThat(run.code()).as(run.toString()).isZero();
            Path log = signalAt(rig, "cutover:fenced", "INT", signals, signals == 1 ? 0 : ABORTED, "rollback", "--yes");
            String master = signals == 1 ? "a" : "b";
            assertThat(Roles.role(signals == 1 ? rig.a() : rig.b())).as(master + " is master; " + ChildFerry.output(log))
                    .isEqualTo("master");
            Roles.assertTakesWrites(signals == 1 ? rig.a() : rig.b(), Duration.ofSeconds(1));
            Roles.assertRefusesWrites(signals == 1 ? rig.b() : rig.a());
            rig.stopAndCheck().assertNothingLost();
        }
    }

    private static Path signalAt(Rig rig, String point, String signal, int times, int expectedExit, String... verb) {
        Path log = rig.stateDir().resolveSibling("child-" + System.nanoTime() + ".log");
        Map<String, String> env = new HashMap<>(Map.of("FERRY_SIGNALPOINT", point, "FERRY_SIGNAL", signal,
                "FERRY_SIGNALS", Integer.toString(times)));
        Process child = ChildFerry.start(rig, env, log, verb);
        try {
            assertThat(ChildFerry.waitFor(child)).as(ChildFerry.output(log)).isEqualTo(expectedExit);
        } finally {
            child.destroyForcibly();
        }
        return log;
    }

    /**
     * Stopped where it was safe: the journal names the signal and where it stopped; a is either untouched and
     * unfenced (the cutover not begun) or b's replica behind a completed switch; nothing is paused.
     */
    private static void assertSafeStop(Rig rig, Map<String, String> fenceBefore, Path log) {
        String output = ChildFerry.output(log);
        assertThat(output).contains("stopped by SIG").contains("ferry resume");
        Journal journal = rig.journal();
        assertThat(journal.status()).as(output).isIn(RunStatus.IN_PROGRESS, RunStatus.FAILED);
        boolean journaled = journal.entries().stream().anyMatch(e -> Runner.STOPPED.equals(e.status())
                || String.valueOf(e.fact("error")).contains("stopped by SIG"));
        assertThat(journaled).as("the journal says where the run stopped").isTrue();
        boolean cutOver = journal.completed("cutover");
        assertThat(journal.reached("cutover", "FENCING")).as("a fence begun is a fence finished").isEqualTo(cutOver);
        if (cutOver) {
            assertThat(Roles.role(rig.b())).isEqualTo("master");
            Roles.assertTakesWrites(rig.b(), Duration.ofSeconds(1));
            Roles.assertRefusesWrites(rig.a());
        } else {
            assertThat(Roles.role(rig.a())).isEqualTo("master");
            assertThat(Roles.fenceConfigs(rig.a())).as("a's fence configs untouched").isEqualTo(fenceBefore);
            Roles.assertTakesWrites(rig.a(), Duration.ofSeconds(1));
        }
    }
}
