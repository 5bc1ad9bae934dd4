package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.fleet.FleetRunner;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.RedisBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * Issue 13: {@code ferry fleet} on real servers. Each pair is a rig (a, b, c, a writer at 100/s through the
 * hook-moved endpoint); the fleet's verdict is every pair's own: 0 acknowledged writes lost, journals as a single
 * run would leave them, and the fleet's rules on concurrency, failures, signals and resume.
 */
class FleetIT {

    /** Pairs of rigs, a fleet file naming their specs, one state directory; closes every rig. */
    static final class Pairs implements AutoCloseable {
        final List<Rig> rigs = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final Path dir;
        final Path stateDir;

        Pairs(int n, String... maxPauses) {
            try {
                dir = Files.createTempDirectory("ferry-fleet-it");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stateDir = dir.resolve("state");
            List<String> specs = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Rig rig = Rig.start(new DemoConfig(500, 1, 100, 0.3, Duration.ofSeconds(2), Duration.ofMillis(300),
                            "replica", RedisBinary.system(), RedisBinary.system(), RedisBinary.system(), Map.of(), "pause"));
                    rigs.add(rig);
                    String name = "pair-" + i;
                    names.add(name);
                    boolean held = i < maxPauses.length && maxPauses[i].startsWith("held:");
                    String maxPause = i < maxPauses.length ? maxPauses[i].replace("held:", "") : "2s";
                    // a pair whose b is held behind compares nothing before its cutover: verify would fail first
                    specs.add((held ? rig.namedSpec(name, maxPause, "verify: { before: off, after: off }")
                            : rig.namedSpec(name, maxPause)).toString());
                    rig.startWriters();
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            specFiles = specs;
        }

        final List<String> specFiles;

        Path fleet(int parallel, String onFailure) {
            Path file = dir.resolve("fleet.yaml");
            try {
                Files.writeString(file, "specs:\n" + specFiles.stream().map(s -> "  - \"" + s + "\"\n").collect(Collectors.joining())
                        + "parallel: " + parallel + "\non-failure: " + onFailure + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }

        String[] args(String verb, Path fleet, String... more) {
            List<String> a = new ArrayList<>(List.of("fleet", verb, fleet.toString(), "--state-dir", stateDir.toString()));
            a.addAll(List.of(more));
            return a.toArray(String[]::new);
        }

        Journal journal(String name) {
            return Journal.open(stateDir, name, Clock.systemUTC());
        }

        Journal fleetJournal() {
            return journal("fleet-fleet");
        }

        void assertNothingLost(int i) {
            rigs.get(i).stopAndCheck().assertNothingLost();
        }

        @Override
        public void close() {
            rigs.forEach(Rig::close);
            dev.ferry.testkit.Files2.deleteRecursively(dir);
        }
    }

    @Test
    void tenPairsThreeAtOnceLoseNothing() {
        try (Pairs pairs = new Pairs(10)) {
            Cli.Result run = Cli.run(pairs.args("run", pairs.fleet(3, "stop"), "--yes", "--report",
                    pairs.dir.resolve("report/fleet.json").toString()));
            assertThat(run.code()).as(run.toString()).isZero();
            assertThat(run.out()).contains("10 DONE");
            for (int i = 0; i < 10; i++) {
                assertThat(pairs.journal(pairs.names.get(i)).status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(Roles.role(pairs.rigs.get(i).b())).isEqualTo("master");
                pairs.assertNothingLost(i);
            }
            int most = mostAtOnce(pairs.fleetJournal());
            assertThat(most).as("pairs moving at once").isBetween(2, 3);
            assertThat(pairs.dir.resolve("report/fleet.json")).exists();
            assertThat(pairs.dir.resolve("report/fleet-pair-0.json")).exists();
            assertThat(read(pairs.dir.resolve("report/fleet.json.md"))).contains("| pair-9 | DONE | 0 |");
            Cli.Result status = Cli.run(pairs.args("status", pairs.fleet(3, "stop")));
            assertThat(status.out()).contains("pair-0").contains("COMPLETED");
        }
    }

    /** A pair whose b holds a key fails preflight: stop refuses the fleet with nothing changed, continue skips it. */
    @ParameterizedTest(name = "on-failure: {0}")
    @ValueSource(strings = {"stop", "continue"})
    void pairFailingPreflight(String onFailure) {
        try (Pairs pairs = new Pairs(3)) {
            try (Jedis b = pairs.rigs.get(1).b().client()) {
                b.set("already-here", "1");
            }
            Cli.Result run = Cli.run(pairs.args("run", pairs.fleet(2, onFailure), "--yes"));
            if (onFailure.equals("stop")) {
                assertThat(run.code()).as(run.toString()).isEqualTo(3);
                assertThat(run.err()).contains("pair-1").contains("nothing was changed");
                for (int i = 0; i < 3; i++) {
                    assertThat(pairs.journal(pairs.names.get(i)).status()).as("pair %d untouched", i).isEqualTo(RunStatus.NONE);
                    assertThat(Roles.role(pairs.rigs.get(i).b())).isEqualTo("master"); // never told to replicate
                }
            } else {
                assertThat(run.code()).as(run.toString()).isEqualTo(13);
                assertThat(run.out()).contains("pair-1").contains("SKIPPED").contains("2 DONE");
                assertThat(pairs.journal("pair-1").status()).isEqualTo(RunStatus.NONE);
                pairs.assertNothingLost(0);
                pairs.assertNothingLost(2);
            }
        }
    }

    /**
     * Two specs naming one server under two addresses (its IP and "localhost"): found by its run_id, read where each
     * pair's preflight or plan connected; both verbs refuse with exit 3 and nothing changes.
     */
    @Test
    void oneServerInTwoSpecsIsAConflictFoundByRunId() throws IOException {
        try (Pairs pairs = new Pairs(2)) {
            Rig first = pairs.rigs.get(0);
            Rig second = pairs.rigs.get(1);
            Path other = pairs.dir.resolve("same-a.yaml");
            Files.writeString(other, String.join("\n",
                    "name: same-a",
                    "source: { host: localhost, port: " + first.a().port() + " }",
                    "target: { host: " + second.b().host() + ", port: " + second.b().port() + " }",
                    "switch: { type: none }",
                    ""));
            Path fleet = pairs.dir.resolve("conflict.yaml");
            Files.writeString(fleet, "specs:\n  - \"" + pairs.specFiles.get(0) + "\"\n  - \"" + other + "\"\nparallel: 2\n");
            for (String verb : List.of("preflight", "plan")) {
                Cli.Result r = Cli.run(pairs.args(verb, fleet));
                assertThat(r.code()).as(r.toString()).isEqualTo(3);
                assertThat(r.out()).as(verb).containsPattern("FAIL conflict: server run_id \\w+ is in pair-0's a \\(")
                        .contains("and in same-a's a (localhost:" + first.a().port() + ")");
            }
            assertThat(pairs.journal("pair-0").status()).isEqualTo(RunStatus.NONE);
            assertThat(Roles.role(first.a())).isEqualTo("master");
            assertThat(Roles.role(second.b())).isEqualTo("master"); // never told to replicate
        }
    }

    /**
     * The second pair aborts in its cutover, b too far behind: once c starts chaining to it, b is paused for writes
     * ({@code CLIENT PAUSE WRITE} holds the replication stream from a too), so b cannot reach the fence's offset
     * within max-pause. Its a is master again; with stop the third pair never starts, with continue it moves.
     */
    @ParameterizedTest(name = "on-failure: {0}")
    @ValueSource(strings = {"stop", "continue"})
    void pairAbortingInItsCutover(String onFailure) throws InterruptedException {
        try (Pairs pairs = new Pairs(3, "2s", "held:300ms", "2s")) {
            Thread cutter = new Thread(() -> holdBBehind(pairs, "pair-1", pairs.rigs.get(1).b()), "b-holder");
            cutter.start();
            Cli.Result run = Cli.run(pairs.args("run", pairs.fleet(1, onFailure), "--yes"));
            cutter.join(Duration.ofSeconds(15).toMillis());
            try (Jedis b = pairs.rigs.get(1).b().client()) {
                b.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "UNPAUSE");
            }
            assertThat(run.code()).as(run.toString()).isEqualTo(13);
            assertThat(pairs.journal("pair-1").status()).isEqualTo(RunStatus.ABORTED);
            assertThat(Roles.role(pairs.rigs.get(1).a())).isEqualTo("master");
            Roles.assertTakesWrites(pairs.rigs.get(1).a(), Duration.ofSeconds(1));
            assertThat(run.out()).containsPattern("pair-1 +FAILED +exit 5");
            if (onFailure.equals("stop")) {
                assertThat(run.out()).containsPattern("pair-2 +NOT_STARTED");
                assertThat(pairs.journal("pair-2").status()).isEqualTo(RunStatus.NONE);
                assertThat(Roles.role(pairs.rigs.get(2).b())).as("pair-2's b never told to replicate").isEqualTo("master");
            } else {
                assertThat(pairs.journal("pair-2").status()).isEqualTo(RunStatus.COMPLETED);
                pairs.assertNothingLost(2);
            }
            pairs.assertNothingLost(0);
            pairs.assertNothingLost(1);
        }
    }

    /** ferry killed mid-fleet (as kill -9), then fleet resume: every pair finishes, finished pairs are not touched. */
    @Test
    void killedMidFleetResumeFinishesAndLeavesFinishedPairsAlone() {
        try (Pairs pairs = new Pairs(4)) {
            Path fleet = pairs.fleet(1, "stop");
            Path log = pairs.dir.resolve("child.log");
            Process child = ChildFerryFleet.start(pairs, fleet, Map.of(), log);
            // one pair at a time: pair-0 has finished when pair-1 starts its sync, and ferry is killed there
            waitUntil(() -> pairs.journal("pair-1").started("sync b from a") || !child.isAlive(), log);
            child.destroyForcibly();
            ChildFerry.waitFor(child);
            long pair0Entries = pairs.journal("pair-0").entries().size();
            assertThat(pairs.journal("pair-0").status()).isEqualTo(RunStatus.COMPLETED);
            Cli.Result resume = Cli.run(pairs.args("resume", fleet, "--yes"));
            assertThat(resume.code()).as(resume.toString()).isZero();
            assertThat(resume.out()).containsPattern("pair-0 +ALREADY_DONE");
            assertThat(pairs.journal("pair-0").entries()).as("a finished pair is never touched again").hasSize((int) pair0Entries);
            for (int i = 0; i < 4; i++) {
                assertThat(pairs.journal(pairs.names.get(i)).status()).isEqualTo(RunStatus.COMPLETED);
                pairs.assertNothingLost(i);
            }
        }
    }

    /** SIGINT mid-fleet: no new pair starts, no pair is left paused or half-switched; resume finishes them all. */
    @Test
    void sigintMidFleetLeavesNoPairHalfDone() {
        try (Pairs pairs = new Pairs(4)) {
            Path fleet = pairs.fleet(2, "stop");
            Path log = pairs.dir.resolve("child.log");
            Process child = ChildFerryFleet.start(pairs, fleet, Map.of("FERRY_SIGNALPOINT", "cutover:fenced"), log);
            assertThat(ChildFerry.waitFor(child)).as(ChildFerry.output(log)).isEqualTo(12);
            for (int i = 0; i < 4; i++) {
                Journal journal = pairs.journal(pairs.names.get(i));
                Rig rig = pairs.rigs.get(i);
                boolean cutOver = journal.completed("cutover");
                assertThat(journal.reached("cutover", "FENCING")).as("pair %d: a fence begun is finished", i).isEqualTo(cutOver);
                Roles.assertTakesWrites(cutOver ? rig.b() : rig.a(), Duration.ofSeconds(1));
            }
            assertThat(pairs.journal("pair-3").status()).as("no new pair after the signal").isEqualTo(RunStatus.NONE);
            Cli.Result resume = Cli.run(pairs.args("resume", fleet, "--yes"));
            assertThat(resume.code()).as(resume.toString()).isZero();
            for (int i = 0; i < 4; i++) {
                pairs.assertNothingLost(i);
            }
        }
    }

    /** Bounded: waits (at most 60 s) for the pair's chain step, then pauses b's writes for at most 30 s. */
    private static void holdBBehind(Pairs pairs, String pair, dev.ferry.testkit.RedisServer b) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Jedis j = b.client()) {
            while (!pairs.journal(pair).started("chain c to b") && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "PAUSE", "30000", "WRITE");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * fleet rollback: a named pair alone, then every other finished pair, in reverse order; each ends with a master
     * again and nothing lost, and a pair rolled back is not moved again by fleet resume.
     */
    @Test
    void rollbackNamedPairThenAllFinishedInReverseOrder() {
        try (Pairs pairs = new Pairs(3)) {
            Path fleet = pairs.fleet(2, "stop");
            Cli.Result run = Cli.run(pairs.args("run", fleet, "--yes"));
            assertThat(run.code()).as(run.toString()).isZero();
            Cli.Result one = Cli.run(pairs.args("rollback", fleet, "--yes", "--pair", "pair-1"));
            assertThat(one.code()).as(one.toString()).isZero();
            assertThat(one.out()).containsPattern("pair-1 +DONE").doesNotContain("pair-0 ").doesNotContain("pair-2 ");
            assertThat(Roles.role(pairs.rigs.get(1).a())).isEqualTo("master");
            assertThat(Roles.role(pairs.rigs.get(0).b())).as("pair-0 untouched").isEqualTo("master");
            Cli.Result rest = Cli.run(pairs.args("rollback", fleet, "--yes"));
            assertThat(rest.code()).as(rest.toString()).isZero();
            assertThat(rest.out().indexOf("pair-2 ")).as("reverse order").isLessThan(rest.out().indexOf("pair-0 "));
            Cli.Result resume = Cli.run(pairs.args("resume", fleet, "--yes"));
            assertThat(resume.out()).as("rolled back pairs are left alone").containsPattern("pair-1 +ALREADY_DONE");
            for (int i = 0; i < 3; i++) {
                assertThat(Roles.role(pairs.rigs.get(i).a())).as("pair %d rolled back", i).isEqualTo("master");
                Roles.assertTakesWrites(pairs.rigs.get(i).a(), Duration.ofSeconds(1));
                pairs.assertNothingLost(i);
            }
            Cli.Result unknown = Cli.run(pairs.args("rollback", fleet, "--yes", "--pair", "nope"));
            assertThat(unknown.code()).isEqualTo(2);
            assertThat(unknown.err()).contains("no pair named [nope]");
        }
    }

    /** The largest number of pairs between their STARTED and their end in the fleet journal at one moment. */
    private static int mostAtOnce(Journal fleet) {
        TreeMap<Instant, Integer> deltas = new TreeMap<>();
        for (JournalEntry e : fleet.entries()) {
            if (FleetRunner.PAIR.equals(e.kind()) && ("STARTED".equals(e.status()) || "COMPLETED".equals(e.status())
                    || "FAILED".equals(e.status()))) {
                deltas.merge(e.time(), "STARTED".equals(e.status()) ? 1 : -1, Integer::sum);
            }
        }
        int now = 0;
        int most = 0;
        for (int d : deltas.values()) {
            now += d;
            most = Math.max(most, now);
        }
        return most;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Path log) {
        long deadline = System.nanoTime() + ChildFerry.LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; " + ChildFerry.output(log));
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ferry fleet run} in a child JVM, for the kill and the signal. */
    static final class ChildFerryFleet {
        static Process start(Pairs pairs, Path fleet, Map<String, String> env, Path log) {
            return ChildFerry.startArgs(env, log, pairs.args("run", fleet, "--yes"));
        }
    }
}
