package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.verify.PairResult;
import dev.ferry.core.verify.Verifier;
import dev.ferry.core.verify.VerifyOptions;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.WriterStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Issue 17's version matrix: every a -> b pair of the servers in ../shared/redis plus Debian's 7.0.15 (c runs b's
 * version), one full run with writers each. The whole matrix is tagged "matrix" (excluded by default: run it with
 * {@code -Dit.test=VersionMatrixIT -Dit.excludedGroups=none -Dgroups=matrix}); the CI subset, one pair across each
 * boundary, runs by default through the same code. The expectation of each pair comes from this test's own table
 * of versions, not from ferry's: a downgrade is refused in preflight; an a without PSYNC2 that cannot load b's RDB
 * is refused with after: replica and then moved with after: detach; every other pair ends with a following b.
 * Each pair ends with 0 lost writes and a full verify of b against c and of a against b (when a follows b).
 * Each pair appends one line to target/version-matrix.txt.
 */
class VersionMatrixIT {
    /** Oldest first; "apt" is Debian's 7.0.15. {major, minor, rdb, fork}: the test's own knowledge of each. */
    private static final List<String> SERVERS = List.of("3.0.4", "4.0.14", "5.0.14", "6.2.16", "apt", "7.2.6",
            "valkey-8.0.1");
    private static final Map<String, int[]> FACTS = Map.of("3.0.4", new int[] {3, 0, 6}, "4.0.14", new int[] {4, 0, 8},
            "5.0.14", new int[] {5, 0, 9}, "6.2.16", new int[] {6, 2, 9}, "apt", new int[] {7, 0, 10},
            "7.2.6", new int[] {7, 2, 11}, "valkey-8.0.1", new int[] {7, 2, 11});
    private static final Path RESULTS = Path.of("target", "version-matrix.txt");

    static Stream<Arguments> ciSubset() {
        return Stream.of(Arguments.of("3.0.4", "4.0.14"), Arguments.of("4.0.14", "5.0.14"), Arguments.of("5.0.14", "6.2.16"),
                Arguments.of("6.2.16", "apt"), Arguments.of("apt", "7.2.6"), Arguments.of("apt", "valkey-8.0.1"));
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (String a : SERVERS) {
            for (String b : SERVERS) {
                pairs.add(Arguments.of(a, b));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("ciSubset")
    void boundary(String a, String b) {
        movePair(a, b);
    }

    @Tag("matrix")
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void pair(String a, String b) {
        movePair(a, b);
    }

    enum Expect { REFUSED_DOWNGRADE, DETACH_ONLY, FOLLOWS }

    /** By position in the list (Valkey 8 after Redis 7.2); PSYNC2 from 4.0; a loads RDBs up to its own. */
    static Expect expect(String a, String b) {
        if (SERVERS.indexOf(b) < SERVERS.indexOf(a)) {
            return Expect.REFUSED_DOWNGRADE;
        }
        boolean loads = FACTS.get(a)[2] >= FACTS.get(b)[2];
        boolean psync2 = FACTS.get(a)[0] >= 4 && FACTS.get(b)[0] >= 4;
        return loads || psync2 ? Expect.FOLLOWS : Expect.DETACH_ONLY;
    }

    private static void movePair(String aName, String bName) {
        long start = System.nanoTime();
        Expect expect = expect(aName, bName);
        String outcome;
        try (Rig rig = Rig.start(Rig.config(Binaries.require(aName), Binaries.require(bName)))) {
            outcome = switch (expect) {
                case REFUSED_DOWNGRADE -> refused(rig, "replica", "b can load a's data|upgrade path", "older than a|cannot load a's RDB");
                case DETACH_ONLY -> refused(rig, "replica", "a can follow b", "detach") + "; then " + moves(rig, "detach", true);
                case FOLLOWS -> moves(rig, "replica", false);
            };
        }
        record(aName, bName, expect, outcome, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The documented refusal: exit 3 from preflight, its check and its fix named, nothing changed. */
    private static String refused(Rig rig, String after, String checks, String reasons) {
        rig.spec(after, "2s", "2s");
        Map<String, String> before = Roles.snapshot(rig.servers());
        Cli.Result refused = Cli.run(rig.args("run", "--yes"));
        assertThat(refused.code()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err()).as(refused.toString()).containsPattern(checks).containsPattern(reasons);
        assertThat(Roles.snapshot(rig.servers())).isEqualTo(before);
        return "refused (" + firstLine(refused.err()) + ")";
    }

    /** {@code restart}: after a refused run, whose failed preflight the journal keeps. */
    private static String moves(Rig rig, String after, boolean restart) {
        rig.spec(after, "2s", "2s");
        rig.startWriters();
        WriterStats beforeRun = rig.writers().stats();
        RunResult result = rig.run(restart, RunListener.SILENT);
        assertThat(result.status()).as(String.valueOf(result.report())).isEqualTo(RunStatus.COMPLETED);
        rig.writers().awaitAcknowledged(rig.writers().acknowledged() + 200, Duration.ofSeconds(10));
        Rig.Verdict verdict = rig.stopAndCheck();
        verdict.assertNothingLost();
        assertThat(Roles.role(rig.b())).isEqualTo("master");
        assertThat(Roles.role(rig.c())).isEqualTo(Roles.replicaOf(rig.b()));
        String verified = "b=c " + verify(rig.b(), rig.c());
        if ("replica".equals(after)) {
            assertThat(Roles.role(rig.a())).isEqualTo(Roles.replicaOf(rig.b()));
            Rig.awaitReplicaCaughtUp(rig.a(), rig.b());
            verified += ", b=a " + verify(rig.b(), rig.a());
        } else {
            Roles.assertRefusesWrites(rig.a());
            assertThat(missingOn(rig.a(), beforeRun.acknowledgedKeys())).as("a kept its data").isEmpty();
        }
        assertThat(rig.journal().pendingConfigChanges()).isEmpty();
        return after + ": resync " + resync(result) + ", lost " + verdict.onB().lost() + "+" + verdict.onC().lost()
                + " of " + verdict.onB().checked() + ", verify " + verified;
    }

    /** A full compare once the writers stopped: type, value and TTL of every key. */
    private static String verify(RedisServer left, RedisServer right) {
        try (RedisNode l = node("left", left); RedisNode r = node("right", right)) {
            PairResult p = new Verifier(VerifyOptions.full()).verify(List.of(List.of(l, r))).pairs().get(0);
            assertThat(p.matches()).as(p.pair() + ": " + p.differences() + " differ, " + p.shown()).isTrue();
            return "match (" + p.keys() + " keys)";
        }
    }

    private static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 10_000, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static String resync(RunResult result) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.report().get("steps");
        return steps.stream().filter(s -> "after".equals(s.get("name"))).findFirst()
                .map(s -> ((Map<String, Object>) s.get("facts")))
                .map(f -> f.getOrDefault("resync", "none (a detached)") + " [" + f.getOrDefault("followPath", "-") + "]")
                .orElse("?");
    }

    private static List<String> missingOn(RedisServer server, List<String> keys) {
        try (Jedis j = server.client(Duration.ofSeconds(10))) {
            return keys.stream().filter(k -> !j.exists(k)).limit(10).toList();
        }
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    private static void record(String a, String b, Expect expect, String outcome, Duration took) {
        String line = String.format("MATRIX | %s -> %s | %s | %s | %.1fs%n", a, b, expect, outcome, took.toMillis() / 1000.0);
        System.out.print(line);
        try {
            Files.createDirectories(RESULTS.getParent());
            Files.writeString(RESULTS, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not append to " + RESULTS + ": " + e.getMessage());
        }
    }
}
