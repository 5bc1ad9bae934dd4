package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.cluster.AttachReplicas;
import dev.ferry.core.cluster.RetireOldNodes;
import dev.ferry.core.cluster.ShardSwitch;
import dev.ferry.core.cluster.SyncShard;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.testkit.ClusterBed;
import dev.ferry.testkit.ClusterView;
import dev.ferry.testkit.InfoParser;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Issue 12, faults: a real 7.0.15 cluster (3 masters, 1 replica each, node timeout 2000 ms) moves to 3 new masters
 * with a replica each while cluster-aware writers run (4 x 500/s, a third by EVAL), and something goes wrong on the
 * way: ferry SIGKILLed at shard step boundaries and inside a shard's switch, a failover starved of its votes, the new
 * node killed during its sync, a node down while the old nodes are forgotten. Each ends with 0 acknowledged writes
 * lost, every slot on a new master, the old nodes gone from every view, and no server left fenced or paused.
 *
 * <p>The kill points are run as chains on one cluster: ferry halts at the first point (exit 137), {@code resume} is
 * started armed with the next one, and so on; a point already passed in shard 1 is met again in the next shard.
 * Then a plain {@code resume} must finish.
 */
class ClusterFaultsIT {
    private static final Duration CHILD_LIMIT = Duration.ofMinutes(3);
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final int BATCH = 1000;

    // ---- 1. ferry SIGKILLed ----------------------------------------------------------------------------------

    /** The switch's inner points (CI): killed as the switch starts, with a fenced, and with b just promoted. */
    @Test
    void killedInsideTheSwitchResumeFinishes() {
        killChain(List.of("cutover:started", ShardSwitch.FAIL_FENCED, ShardSwitch.FAIL_PROMOTED));
    }

    /** Every shard step boundary and every named point inside a step (about 4 minutes: tag faults). */
    @Tag("faults")
    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {
            "join:started,replicate:started,sync:started,settle:started,cutover:started,attach replicas:started,"
                    + "forget old nodes:started",
            "join:completed,replicate:completed,sync:completed,settle:completed,cutover:completed,"
                    + "attach replicas:completed,forget old nodes:completed",
            ShardSwitch.FAIL_FENCED + "," + ShardSwitch.FAIL_FAILOVER_SENT + "," + ShardSwitch.FAIL_PROMOTED_UNJOURNALED
                    + "," + ShardSwitch.FAIL_PROMOTED + "," + RetireOldNodes.FAIL_FORGOTTEN_ONCE})
    void killedAtEveryPointResumeFinishes(String chain) {
        killChain(List.of(chain.split(",")));
    }

    /**
     * Three shards at once (their failovers one at a time): ferry killed when the first shard to switch is fenced,
     * then when one has been promoted; each time the other shards are mid-way through their own steps.
     */
    @Test
    void killedInsideTheSwitchWithShardsInParallelResumeFinishes() {
        killChain(List.of(ShardSwitch.FAIL_FENCED, ShardSwitch.FAIL_PROMOTED), 3);
    }

    private static void killChain(List<String> points) {
        killChain(points, 1);
    }

    private static void killChain(List<String> points, int parallel) {
        try (Move move = Move.start(parallel)) {
            String verb = "run";
            for (String point : points) {
                long t0 = System.nanoTime();
                Path log = move.log(point);
                int code = move.child(Map.of("FERRY_FAILPOINT", point), log, verb, "--yes");
                assertThat(code).as("ferry halts at " + point + ":\n" + ChildFerry.output(log)).isEqualTo(137);
                say("halted at %s after %d ms (%s)", point, millisSince(t0), move.where());
                verb = "resume";
            }
            move.resumeFinishes();
        }
    }

    // ---- 2. a failover that cannot get its votes -------------------------------------------------------------

    /**
     * The two other masters are SIGSTOPped right at shard 1's switch (ferry freezes itself there, so the timing is
     * exact) and SIGCONTed 6 s later, past the manual-failover timeout (5 s). At once: a's vote alone is no
     * majority, the failover is cancelled (a master again, unfenced) and the retry, after the voters are back, wins.
     * After 3 s: a already counts them as failing, so it is a minority and refuses the fence itself (CLUSTERDOWN);
     * that attempt fails with nothing changed, and the retry wins the same way.
     */
    @ParameterizedTest(name = "voters stopped {0} ms before the switch")
    @ValueSource(ints = {0, 3000})
    void failoverWithoutVotesIsCancelledAndRetried(int stoppedBeforeSwitchMs) {
        try (Move move = Move.start()) {
            List<RedisServer> voters = move.bed.masters().subList(1, 3);
            // both stopped 6 s, then woken together: each sees the other failing at once and with a's report they
            // are a majority, so their replicas would fail over by themselves; the test wants only shard 1's switch
            voters.forEach(v -> move.bed.replicasOf(v).forEach(r -> move.configSet(r, "cluster-replica-no-failover", "yes")));
            Path log = move.log("run");
            Process run = ChildFerry.startArgs(Map.of("FERRY_FREEZEPOINT", "cutover:started"), log, move.args("run", "--yes"));
            long stoppedAt;
            try {
                awaitWhileRunning("ferry frozen at shard 1's switch", run, log, CHILD_LIMIT, () -> frozen(run));
                stoppedAt = System.nanoTime();
                signal("STOP", voters);
                sleep(stoppedBeforeSwitchMs);
                signal("CONT", run.pid());
                awaitWhileRunning("shard 1's first failover attempt failed", run, log, AWAIT,
                        () -> move.shardJournal(1).reached(ShardSwitch.NAME, Milestone.FAILOVER_TIMED_OUT));
                // a is master again and unfenced (it may refuse writes with CLUSTERDOWN while it is a minority)
                RedisServer a = move.bed.masters().get(0);
                assertThat(Roles.role(a)).isEqualTo("master");
                move.assertUnfenced(a);
                say("first attempt: %s", move.shardJournal(1).lastOf(ShardSwitch.NAME).map(JournalEntry::facts));
                sleep(Math.max(0, 6000 - millisSince(stoppedAt))); // longer than the manual-failover timeout (5 s)
            } finally {
                signal("CONT", voters);
                if (run.isAlive()) {
                    signal("CONT", run.pid());
                }
            }
            say("voters stopped for %d ms", millisSince(stoppedAt));
            assertThat(waitFor(run)).as(ChildFerry.output(log)).isZero();
            Map<String, Object> facts = move.shardJournal(1).facts(ShardSwitch.NAME);
            assertThat(Integer.parseInt(String.valueOf(facts.get("attempts")))).as(facts.toString()).isGreaterThanOrEqualTo(2);
            move.assertMovedAndHealthy();
        }
    }

    /** Whether the process is stopped (state T in /proc/PID/stat). */
    private static boolean frozen(Process p) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }

    // ---- 3. the new node killed during its sync --------------------------------------------------------------

    @Test
    void newNodeKilledDuringSyncThenRestartedEmpty() {
        try (Move move = Move.start()) {
            RedisServer a = move.bed.masters().get(0);
            RedisServer b = move.newMasters.get(0);
            // a 3 s diskless-sync delay on a (the fixture's, not ferry's) keeps b inside its sync long enough
            move.configSet(a, "repl-diskless-sync-delay", "3");
            Path log = move.log("run");
            Process run = ChildFerry.startArgs(Map.of(), log, move.args("run", "--yes"));
            try {
                awaitWhileRunning("shard 1 in its sync", run, log, AWAIT,
                        () -> move.shardJournal(1).lastOf(SyncShard.NAME).map(JournalEntry::status)
                                .filter("STARTED"::equals).isPresent());
                b.kill();
                int code = waitFor(run);
                String out = ChildFerry.output(log);
                say("b killed in its sync: exit %d, %s", code, lastLines(out));
                assertThat(code).as(out).isEqualTo(11);
                assertThat(out).contains(b.host() + ":" + b.port());
            } finally {
                run.destroyForcibly();
            }
            move.configSet(a, "repl-diskless-sync-delay", "0");
            assertThat(Roles.role(a)).isEqualTo("master");
            move.assertUnfenced(a);
            try (Restarted again = Restarted.empty(b)) {
                move.replaced(b, again.server());
                move.resumeFinishes();
            }
        }
    }

    // ---- 4. a node down while the old nodes are forgotten ----------------------------------------------------

    @Test
    void nodeDownDuringForgetIsNamedAndResumeForgetsThereToo() {
        try (Move move = Move.start()) {
            RedisServer down = move.newReplicas.get(0); // shard 1's new replica: a remaining node shard 3 must tell
            Path log = move.log("run");
            Process run = ChildFerry.startArgs(Map.of(), log, move.args("run", "--yes"));
            try {
                awaitWhileRunning("shard 3 attaching its replicas", run, log, CHILD_LIMIT,
                        () -> move.shardJournal(3).started(AttachReplicas.NAME));
                down.kill();
                int code = waitFor(run);
                String out = ChildFerry.output(log);
                say("%s down during shard 3's forget: exit %d, %s", down, code, lastLines(out));
                assertThat(code).as(out).isIn(8, 14);
                assertThat(out).contains(down.host() + ":" + down.port());
            } finally {
                run.destroyForcibly();
            }
            try (Restarted again = Restarted.keepingState(down)) {
                move.replaced(down, again.server());
                move.resumeFinishes();
            }
        }
    }

    // ---- the old nodes stay out once forgotten ---------------------------------------------------------------

    /**
     * CLUSTER FORGET blacklists for 60 s: a whole move, then 75 s more, and the forgotten nodes must still be out of
     * every view (a forgotten node still knows its master, which answers its pings with gossip).
     */
    @Tag("faults")
    @Test
    void forgottenNodesStayOutPastTheBlacklist() {
        try (Move move = Move.start()) {
            Cli.Result run = Cli.run(move.args("run", "--yes"));
            assertThat(run.code()).as(run.toString()).isZero();
            sleep(75_000);
            move.assertMovedAndHealthy();
        }
    }

    // ---- the move and its checks -----------------------------------------------------------------------------

    /** A 3x1 cluster, 6 empty nodes (3 new masters, a replica each), the spec, and the writers running. */
    private static final class Move implements AutoCloseable {
        final ClusterBed bed;
        final List<RedisServer> newMasters = new ArrayList<>();
        final List<RedisServer> newReplicas = new ArrayList<>();
        /** Every node that must end unfenced, by address (a restarted node replaces its first process). */
        final Map<String, RedisServer> everyNode = new LinkedHashMap<>();
        final Map<String, String> minReplicasBefore = new LinkedHashMap<>();
        final Path dir;
        final Path spec;
        final Writers writers;
        final int parallel;

        private Move(ClusterBed bed, int parallel) {
            this.bed = bed;
            this.parallel = parallel;
            List<RedisServer> empty = bed.emptyNodes(6);
            for (int i = 0; i < 3; i++) {
                newMasters.add(empty.get(2 * i));
                newReplicas.add(empty.get(2 * i + 1));
            }
            bed.processes().forEach(s -> everyNode.put(address(s), s));
            everyNode.forEach((address, s) -> minReplicasBefore.put(address, configGet(s, "min-replicas-to-write")));
            try {
                dir = Files.createTempDirectory("ferry-cluster-faults-");
                spec = dir.resolve("faults.yaml");
                Files.writeString(spec, specYaml());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writers = Writers.cluster(Writers.Config.builder().writers(4).ratePerWriter(500).evalShare(1.0 / 3)
                    .socketTimeout(Duration.ofSeconds(5)).maxDuration(Duration.ofMinutes(6)).keyPrefix("cf").build(),
                    bed.seeds());
            writers.start();
            writers.awaitAcknowledged(BATCH, AWAIT);
        }

        static Move start() {
            return start(1);
        }

        /** As above, the spec moving {@code parallel} shards at once. */
        static Move start(int parallel) {
            ClusterBed bed = ClusterBed.start(RedisBinary.system(), 3, 1, ClusterBed.Options.defaults()
                    .withExtraConfig(Map.of("repl-diskless-sync-delay", "0")));
            try {
                return new Move(bed, parallel);
            } catch (RuntimeException | Error e) {
                bed.close();
                throw e;
            }
        }

        private String specYaml() {
            StringBuilder yaml = new StringBuilder("name: faults\ncluster:\n  seeds: [\"" + address(bed.masters().get(0))
                    + "\"]\n  moves:\n");
            for (int i = 0; i < 3; i++) {
                yaml.append("    - { from: \"").append(address(bed.masters().get(i))).append("\", to: \"")
                        .append(address(newMasters.get(i))).append("\", replicas: [\"")
                        .append(address(newReplicas.get(i))).append("\"] }\n");
            }
            return yaml.append("  parallel: ").append(parallel).append("\n  old-nodes: forget\n  max-pause: 2s\n  switch-attempts: 3\n").toString();
        }

        String[] args(String verb, String... more) {
            List<String> args = new ArrayList<>(List.of(verb, spec.toString(), "--state-dir", dir.resolve(".ferry").toString()));
            args.addAll(List.of(more));
            return args.toArray(String[]::new);
        }

        Path log(String what) {
            return dir.resolve("child-" + what.replaceAll("[^a-z0-9]+", "-") + ".log");
        }

        int child(Map<String, String> env, Path log, String... verb) {
            return waitFor(ChildFerry.startArgs(env, log, args(verb[0], java.util.Arrays.copyOfRange(verb, 1, verb.length))));
        }

        Journal shardJournal(int shard) {
            return Journal.open(dir.resolve(".ferry"), "faults.shard-" + shard, Clock.systemUTC());
        }

        /** Where the move stands: each shard journal's last step and status. */
        String where() {
            List<String> parts = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                List<JournalEntry> entries = shardJournal(i).entries();
                parts.add("shard " + i + ": " + (entries.isEmpty() ? "-" : entries.get(entries.size() - 1).step() + " "
                        + entries.get(entries.size() - 1).status()));
            }
            return String.join(", ", parts);
        }

        /** A restarted node takes its first process's place (same address) in the final checks. */
        void replaced(RedisServer first, RedisServer again) {
            everyNode.put(address(first), again);
            int i = newMasters.indexOf(first);
            if (i >= 0) {
                newMasters.set(i, again);
            }
            int r = newReplicas.indexOf(first);
            if (r >= 0) {
                newReplicas.set(r, again);
            }
        }

        void resumeFinishes() {
            long t0 = System.nanoTime();
            Cli.Result resume = Cli.run(args("resume", "--yes"));
            say("resume: exit %d in %d ms", resume.code(), millisSince(t0));
            assertThat(resume.code()).as(resume.toString()).isZero();
            assertMovedAndHealthy();
        }

        /**
         * Nothing lost; every slot on a new master; no old node (and no failed or stale entry) in any new node's view;
         * every node's min-replicas-to-write as before; each master takes a write at once; no config change pending.
         */
        void assertMovedAndHealthy() {
            writers.awaitAcknowledged(writers.acknowledged() + BATCH, AWAIT);
            writers.stop();
            LossReport lost = writers.checkLost();
            say("%s; %s", lost, writers.stats().summary());
            assertThat(lost.checked()).isEqualTo(writers.stats().acknowledged());
            assertThat(lost.isClean()).as(lost + " " + writers.stats().summary()).isTrue();

            List<String> newMasterAddresses = newMasters.stream().map(Move::address).toList();
            List<String> oldAddresses = bed.nodes().stream().map(Move::address).toList();
            List<RedisServer> newNodes = new ArrayList<>(newMasters);
            newNodes.addAll(newReplicas);
            await("every new node agrees: moved, old nodes gone, none failed").atMost(AWAIT)
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        for (RedisServer n : newNodes) {
                            assertViewMoved(n, newMasterAddresses, oldAddresses);
                        }
                    });
            everyNode.forEach((address, s) -> assertThat(configGet(s, "min-replicas-to-write")).as(address)
                    .isEqualTo(minReplicasBefore.get(address)));
            newMasters.forEach(this::assertWritable);
            for (int i = 1; i <= 3; i++) {
                Journal journal = shardJournal(i);
                assertThat(journal.status()).isEqualTo(RunStatus.COMPLETED);
                assertThat(journal.pendingConfigChanges()).as("shard " + i + ": no config change left pending").isEmpty();
                say("shard %d switch: %s", i, journal.facts(ShardSwitch.NAME));
            }
        }

        private static void assertViewMoved(RedisServer n, List<String> newMasters, List<String> oldAddresses) {
            try (Jedis j = n.client(Duration.ofSeconds(2))) {
                String nodes = j.clusterNodes();
                assertThat(InfoParser.field(j.clusterInfo(), "cluster_state")).as(n + "\n" + nodes).contains("ok");
                ClusterView view = ClusterView.parse(nodes, n.hostAndPort());
                assertThat(view.coveredSlots()).as(n + "\n" + nodes).isEqualTo(ClusterView.SLOTS);
                assertThat(view.masters().stream().filter(m -> !m.slots().isEmpty())
                        .map(m -> m.address().toString())).as(n + "\n" + nodes).allMatch(newMasters::contains);
                assertThat(view.nodes().stream().map(m -> m.address().toString())).as(n + "\n" + nodes)
                        .noneMatch(oldAddresses::contains);
                assertThat(nodes.lines().map(l -> l.split(" ")[2])).as(n + ": no failed or stale node\n" + nodes)
                        .noneMatch(flags -> flags.contains("fail") || flags.contains("noaddr") || flags.contains("handshake"));
            }
        }

        /** Neither fenced nor paused: a write to a key a serves is answered OK at once. */
        void assertWritable(RedisServer master) {
            assertUnfenced(master);
            try (Jedis j = master.client(Duration.ofMillis(500))) {
                ClusterView view = ClusterView.parse(j.clusterNodes(), master.hostAndPort());
                java.util.BitSet slots = view.byAddress(master.hostAndPort()).orElseThrow().slots();
                String key = keyIn(slots);
                long t0 = System.nanoTime();
                assertThat(j.set(key, "writable")).isEqualTo("OK");
                assertThat(millisSince(t0)).as(master + " answered a write at once").isLessThan(200);
                j.del(key);
            }
        }

        void assertUnfenced(RedisServer node) {
            assertThat(configGet(node, "min-replicas-to-write")).as(node + " fenced?")
                    .isEqualTo(minReplicasBefore.get(address(node)));
        }

        void configSet(RedisServer s, String key, String value) {
            try (Jedis j = s.client()) {
                j.configSet(key, value);
            }
        }

        @Override
        public void close() {
            try {
                writers.close();
            } finally {
                bed.close();
            }
        }

        static String address(RedisServer s) {
            return s.host() + ":" + s.port();
        }

        static String configGet(RedisServer s, String key) {
            try (Jedis j = s.client(Duration.ofSeconds(2))) {
                return j.configGet(key).get(key);
            }
        }

        private static String keyIn(java.util.BitSet slots) {
            for (int i = 0; i < 1_000_000; i++) {
                String key = "ferry-faults-probe:" + i;
                if (slots.get(JedisClusterCRC16.getSlot(key))) {
                    return key;
                }
            }
            throw new IllegalStateException("no probe key in " + slots.cardinality() + " slots");
        }
    }

    /**
     * A node started again on its port from its own config file, by the test (closed by pid): {@link #empty} as a
     * replaced machine (no nodes.conf, so a new node id), {@link #keepingState} as a node that was only down.
     */
    private record Restarted(Process process, RedisServer first) implements AutoCloseable {
        static Restarted empty(RedisServer first) {
            try {
                Files.deleteIfExists(first.dir().resolve("nodes.conf"));
                Files.deleteIfExists(first.dir().resolve("dump.rdb"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return keepingState(first);
        }

        static Restarted keepingState(RedisServer first) {
            try {
                Process p = new ProcessBuilder(first.binary().path().toString(), first.configFile().toString())
                        .directory(first.dir().toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(first.dir().resolve("stdout.log").toFile())).start();
                Restarted r = new Restarted(p, first);
                await(first + " restarted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions().until(() -> {
                            try (Jedis j = first.client(Duration.ofMillis(200))) {
                                return "PONG".equals(j.ping());
                            }
                        });
                say("restarted %s as pid %d", first, p.pid());
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The first process's handle for its address, dir and binary; its own pid is dead. */
        RedisServer server() {
            return first;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void signal(String signal, List<RedisServer> servers) {
        servers.forEach(s -> signal(signal, s.pid()));
    }

    /** kill -SIGNAL PID, by pid (the test's own processes only). */
    private static void signal(String signal, long pid) {
        try {
            int code = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            assertThat(code).as("kill -" + signal + " " + pid).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls {@code until} every 5 ms while ferry runs; fails with ferry's output if it ends first or time runs out. */
    private static void awaitWhileRunning(String what, Process ferry, Path log, Duration limit,
            java.util.concurrent.Callable<Boolean> until) {
        try {
            await(what).atMost(limit).pollInterval(Duration.ofMillis(5)).failFast(() -> !ferry.isAlive()).until(until);
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(what + ": " + e.getMessage() + "\n--- ferry:\n" + ChildFerry.output(log), e);
        }
    }

    private static int waitFor(Process child) {
        try {
            if (!child.waitFor(CHILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("ferry did not end within " + CHILD_LIMIT);
            }
            return child.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String lastLines(String out) {
        List<String> lines = out.lines().toList();
        return lines.subList(Math.max(0, lines.size() - 3), lines.size()).stream().collect(Collectors.joining(" | "));
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("ClusterFaultsIT: " + String.format(format, args));
    }
}
