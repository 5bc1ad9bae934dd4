package dev.ferry.core.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.run.Planner;
import dev.ferry.core.run.Rollback;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.run.Switches;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.core.steps.SwitchBack;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.RedisBinary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ferry plan} shows what the run will send: for each cutover mode, forward and (pause) the rollback's
 * switch-back, every command that changes a server, as RedisNode sent it (MONITOR would not show CONFIG SET,
 * CLIENT PAUSE or REPLICAOF), is the one the plan printed for that step, on the server the plan named, in order.
 * Reads (INFO, GET, CONFIG GET, CLIENT LIST ...) are polls and are not compared.
 */
class PlanMatchesRunIT {
    private static final DemoConfig SMALL = DemoConfig.defaults().withKeys(200).withWriters(2, 100);
    private static final Set<String> CHANGING = Set.of("SET", "DEL", "MULTI", "EXEC", "REPLICAOF", "SLAVEOF",
            "FAILOVER", "CONFIG SET", "CLIENT PAUSE", "CLIENT UNPAUSE", "CLIENT KILL");

    @ParameterizedTest(name = "{0}, after: {1}, {2}")
    @CsvSource({"pause, replica, 7.0", "pause, detach, 7.0", "failover, replica, 7.0", "failover, detach, 7.0",
            "drain, replica, 7.0", "drain, detach, 7.0", "pause, replica, max-lag 0", "pause, detach, max-lag 0",
            "failover, detach, max-lag 0", "pause, replica, 5.0.14", "pause, detach, 5.0.14", "drain, detach, 5.0.14"})
    void theCutoverSendsWhatThePlanShows(String mode, String after, String servers) throws Exception {
        try (Demo demo = new Demo(servers(SMALL.withMode(mode).withAfter(after), servers)).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            RunOptions options = new RunOptions(true, false, demo.workDir().resolve(".ferry"), false, true);
            List<PlannedCommand> planned = new Planner(spec, options, SecretSource.system()).plan().steps().stream()
                    .filter(s -> s.name().equals(Cutover.NAME)).findFirst().orElseThrow().commands();
            Recording sent = new Recording(Cutover.NAME);
            RunResult result;
            try (AutoCloseable on = RedisNode.recordEverySend(sent)) {
                result = new Runner(spec, options, Confirmer.YES, sent, SecretSource.system(), Clock.systemUTC()).run();
            }
            assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
            assertSame(planned, sent);
        }
    }

    @ParameterizedTest(name = "switch-back after: {0}, {1}")
    @CsvSource({"replica, 7.0", "detach, 7.0", "detach, max-lag 0", "replica, 5.0.14", "detach, 5.0.14"})
    void theRollbacksSwitchBackSendsWhatItsPlanShows(String after, String servers) throws Exception {
        try (Demo demo = new Demo(servers(SMALL.withAfter(after), servers)).start(l -> { })) {
            Spec spec = SpecLoader.load(demo.writeSpec());
            RunOptions options = new RunOptions(true, false, demo.workDir().resolve(".ferry"), false, false);
            assertThat(new Runner(spec, options, Confirmer.YES, RunListener.SILENT, SecretSource.system(),
                    Clock.systemUTC()).run().status()).isEqualTo(RunStatus.COMPLETED);
            List<PlannedCommand> planned = planSwitchBack(spec, options);
            Recording sent = new Recording("switch-back");
            try (AutoCloseable on = RedisNode.recordEverySend(sent)) {
                new Rollback(spec, options, Confirmer.YES, sent, SecretSource.system(), Clock.systemUTC()).rollback();
            }
            assertSame(planned, sent);
        }
    }

    /** Debian's 7.0 as it is, with min-replicas-max-lag 0 (the fence must set it too), or an older version. */
    private static DemoConfig servers(DemoConfig config, String servers) {
        if (servers.equals("7.0")) {
            return config;
        }
        if (servers.equals("max-lag 0")) {
            return config.withServerConfig(Map.of("min-replicas-max-lag", "0"));
        }
        RedisBinary old = RedisBinary.shared(servers);
        assumeThat(old.isAvailable()).as("SKIPPED: no redis-server " + servers + " under ../shared/redis").isTrue();
        return config.withBinaries(old, old, old);
    }

    private static List<PlannedCommand> planSwitchBack(Spec spec, RunOptions options) {
        try (Servers servers = Servers.of(spec, SecretSource.system(), Servers.readOnlyClientNameFor(spec.name()))) {
            Journal journal = Journal.open(options.stateDir(), spec.name(), Clock.systemUTC());
            RunContext ctx = new RunContext(spec, servers, journal, Switches.of(spec, servers), options, q -> false,
                    RunListener.SILENT, Clock.systemUTC());
            return new SwitchBack().plan(ctx);
        }
    }

    private static void assertSame(List<PlannedCommand> planned, Recording sent) {
        Map<String, List<String>> plannedByServer = new LinkedHashMap<>();
        for (PlannedCommand c : planned) {
            for (String one : c.command().split("; ")) {
                String command = one.replaceAll("\\s*\\(.*\\)\\s*$", "").trim();
                if (!command.isEmpty() && changes(command) && !c.target().startsWith("host ")) {
                    for (String server : c.target().split(",")) {
                        plannedByServer.computeIfAbsent(server, k -> new ArrayList<>()).add(command);
                    }
                }
            }
        }
        System.out.println("[plan] " + plannedByServer + "\n[sent] " + sent.byServer);
        assertThat(sent.byServer.keySet()).as("servers sent to").isEqualTo(plannedByServer.keySet());
        sent.byServer.forEach((server, commands) -> {
            List<String> plan = plannedByServer.get(server);
            assertThat(commands).as("to %s: %s; planned: %s", server, commands, plan).hasSameSizeAs(plan);
            for (int i = 0; i < commands.size(); i++) {
                assertThat(matches(plan.get(i), commands.get(i))).as("to %s, command %d: sent %s, planned %s",
                        server, i + 1, commands.get(i), plan.get(i)).isTrue();
            }
        });
    }

    private static boolean changes(String command) {
        String[] words = command.toUpperCase(Locale.ROOT).split(" ");
        return CHANGING.contains(words[0]) || (words.length > 1 && CHANGING.contains(words[0] + " " + words[1]));
    }

    /** A planned {@code <nonce>}, {@code <old>} or {@code ***} stands for one word of the sent command. */
    private static boolean matches(String planned, String sent) {
        String[] p = planned.split(" ");
        String[] s = sent.split(" ");
        if (p.length != s.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            boolean placeholder = p[i].startsWith("<") && p[i].endsWith(">") || p[i].equals("***");
            if (!placeholder && !p[i].equalsIgnoreCase(s[i])) {
                return false;
            }
        }
        return true;
    }

    /** The changing commands each server got while {@code step} ran, from ferry's own connections (not the canary's). */
    static final class Recording implements RedisNode.CommandRecorder, RunListener {
        private final String step;
        private volatile boolean inStep;
        final Map<String, List<String>> byServer = new LinkedHashMap<>();

        Recording(String step) {
            this.step = step;
        }

        @Override
        public void stepStarted(String name) {
            inStep = step.equals(name);
        }

        @Override
        public void stepFinished(String name, java.time.Duration took, Map<String, Object> facts) {
            inStep = false;
        }

        @Override
        public void stepFailed(String name, String error) {
            inStep = false;
        }

        @Override
        public synchronized void sent(String label, String clientName, List<String> command) {
            String line = String.join(" ", command).replaceFirst("(?i)^(CONFIG SET masterauth) .*", "$1 ***");
            if (inStep && !clientName.endsWith("-canary") && changes(line)) {
                byServer.computeIfAbsent(label, k -> new ArrayList<>()).add(line);
            }
        }
    }

}
