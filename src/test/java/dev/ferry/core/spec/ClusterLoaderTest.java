package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A cluster spec is read as the issue writes it; every bad key fails with {@code file:line: problem (fix)}. */
class ClusterLoaderTest {
    private static final Path FILE = Path.of("/specs/sessions.yaml");

    private static final String GOOD = """
            name: sessions
            cluster:
              seeds: ["127.0.0.1:7000", "127.0.0.1:7001"]
              moves:
                - { from: "127.0.0.1:7000", to: "127.0.0.1:7100", replicas: ["127.0.0.1:7103"] }
                - { from: "127.0.0.1:7001", to: "[fd00::1]:7000" }
              parallel: 2
              old-nodes: keep
              max-pause: 3s
              catch-up: 10m
              settle-timeout: 90s
              switch-attempts: 5
            """;

    /** Lines 1-3 of every bad spec; the key under test starts on line 4. */
    private static final String HEAD = "name: sessions\ncluster:\n  seeds: [\"127.0.0.1:7000\"]\n";
    private static final String ONE_MOVE = "  moves: [{ from: \"127.0.0.1:7000\", to: \"127.0.0.1:7100\" }]\n";

    @Test
    void readsEveryKeyOfAGoodSpec() {
        ClusterSpec spec = ClusterLoader.parse(GOOD, FILE);

        assertThat(spec.name()).isEqualTo("sessions");
        assertThat(spec.seeds()).extracting(Endpoint::address).containsExactly("127.0.0.1:7000", "127.0.0.1:7001");
        assertThat(spec.moves()).hasSize(2);
        ClusterSpec.Move first = spec.moves().get(0);
        assertThat(first.from().address()).isEqualTo("127.0.0.1:7000");
        assertThat(first.to().address()).isEqualTo("127.0.0.1:7100");
        assertThat(first.replicas()).extracting(Endpoint::address).containsExactly("127.0.0.1:7103");
        Endpoint ipv6 = spec.moves().get(1).to();
        assertThat(ipv6.host()).isEqualTo("fd00::1");
        assertThat(ipv6.port()).isEqualTo(7000);
        assertThat(spec.moves().get(1).replicas()).isEmpty();
        assertThat(spec.parallel()).isEqualTo(2);
        assertThat(spec.oldNodes()).isEqualTo(ClusterSpec.OldNodes.KEEP);
        assertThat(spec.cutover().maxPause()).isEqualTo(Duration.ofSeconds(3));
        assertThat(spec.cutover().catchUp()).isEqualTo(Duration.ofMinutes(10));
        assertThat(spec.settleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(spec.switchAttempts()).isEqualTo(5);
    }

    @Test
    void defaultsWhereTheSpecSaysNothing() {
        ClusterSpec spec = ClusterLoader.parse(HEAD + ONE_MOVE, FILE);

        assertThat(spec.parallel()).isEqualTo(1);
        assertThat(spec.oldNodes()).isEqualTo(ClusterSpec.OldNodes.FORGET);
        assertThat(spec.cutover().maxPause()).isEqualTo(CutoverSpec.DEFAULT.maxPause());
        assertThat(spec.settleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(spec.switchAttempts()).isEqualTo(3);
    }

    record Bad(String why, String yaml, String start, List<String> fragments) {
        @Override
        public String toString() {
            return why;
        }
    }

    private static Bad bad(String why, String yaml, String start, String... fragments) {
        return new Bad(why, yaml, start, List.of(fragments));
    }

    static Stream<Bad> badSpecs() {
        return Stream.of(
                bad("no seeds", "name: sessions\ncluster:\n" + ONE_MOVE, "sessions.yaml:3: ",
                        "cluster.seeds is missing or empty", "seeds: [\"10.0.0.1:6379\"]"),
                bad("empty seeds", "name: sessions\ncluster:\n  seeds: []\n" + ONE_MOVE, "sessions.yaml:3: ",
                        "cluster.seeds is missing or empty"),
                bad("no moves", HEAD, "sessions.yaml:3: ", "cluster.moves is missing or empty", "one entry per master"),
                bad("empty moves", HEAD + "  moves: []\n", "sessions.yaml:3: ", "cluster.moves is missing or empty"),
                bad("move without to", HEAD + "  moves: [{ from: \"127.0.0.1:7000\" }]\n", "sessions.yaml:4: ",
                        "needs from and to", "e.g. { from:"),
                bad("seed without port", "name: sessions\ncluster:\n  seeds: [\"127.0.0.1\"]\n" + ONE_MOVE,
                        "sessions.yaml:3: ", "invalid cluster.seeds entry '127.0.0.1'", "write host:port"),
                bad("port out of range", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", to: \"127.0.0.1:70000\" }]\n",
                        "sessions.yaml:4: ", "invalid cluster.moves to '127.0.0.1:70000'", "write host:port"),
                bad("bare IPv6", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", to: \"fd00::1:7000\" }]\n",
                        "sessions.yaml:4: ", "invalid cluster.moves to 'fd00::1:7000'", "[fd00::1]:6379"),
                bad("bad replica", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", to: \"127.0.0.1:7100\","
                        + " replicas: [\"x:y\"] }]\n", "sessions.yaml:4: ", "invalid cluster.moves replicas entry 'x:y'"),
                bad("replicas as one string", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", to: \"127.0.0.1:7100\","
                        + " replicas: \"127.0.0.1:7200\" }]\n", "sessions.yaml:4: ",
                        "wrong type for 'cluster.moves[0].replicas': expected a list", "in brackets"),
                bad("seeds as one string", "name: sessions\ncluster:\n  seeds: \"127.0.0.1:7000\"\n" + ONE_MOVE,
                        "sessions.yaml:3: ", "wrong type for 'cluster.seeds': expected a list"),
                bad("a node named twice", HEAD + "  moves:\n"
                        + "    - { from: \"127.0.0.1:7000\", to: \"127.0.0.1:7100\" }\n"
                        + "    - { from: \"127.0.0.1:7001\", to: \"127.0.0.1:7100\" }\n", "sessions.yaml:6: ",
                        "127.0.0.1:7100 is named twice in cluster.moves (also on line 5;", "name each node once"),
                bad("old master as a new replica", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", to: \"127.0.0.1:7100\","
                        + " replicas: [\"127.0.0.1:7000\"] }]\n", "sessions.yaml:4: ", "named twice"),
                bad("parallel zero", HEAD + ONE_MOVE + "  parallel: 0\n", "sessions.yaml:5: ",
                        "cluster.parallel must be a whole number from 1 to 64, was 0", "(e.g. parallel: 1)"),
                bad("parallel words", HEAD + ONE_MOVE + "  parallel: many\n", "sessions.yaml:5: ",
                        "cluster.parallel must be a whole number", "was many"),
                bad("parallel too high", HEAD + ONE_MOVE + "  parallel: 65\n", "sessions.yaml:5: ", "from 1 to 64"),
                bad("old-nodes typo", HEAD + ONE_MOVE + "  old-nodes: forgot\n", "sessions.yaml:5: ",
                        "invalid cluster.old-nodes 'forgot'", "did you mean 'forget'?", "allowed: forget, keep"),
                bad("switch-attempts zero", HEAD + ONE_MOVE + "  switch-attempts: 0\n", "sessions.yaml:5: ",
                        "cluster.switch-attempts must be a whole number from 1 to 10"),
                bad("max-pause not a duration", HEAD + ONE_MOVE + "  max-pause: soon\n", "sessions.yaml:5: ",
                        "invalid cluster.max-pause"),
                bad("max-pause zero", HEAD + ONE_MOVE + "  max-pause: 0s\n", "sessions.yaml:5: ",
                        "cluster.max-pause must be positive", "(e.g. max-pause: 2s)"),
                bad("max-pause too long", HEAD + ONE_MOVE + "  max-pause: 5m\n", "sessions.yaml:5: ", "cluster.max-pause",
                        "writes are held for the whole pause"),
                bad("catch-up zero", HEAD + ONE_MOVE + "  max-pause: 2s\n  catch-up: 0s\n", "sessions.yaml:6: ",
                        "cluster.catch-up must be positive", "(e.g. catch-up: 1h)"),
                bad("catch-up not a duration", HEAD + ONE_MOVE + "  catch-up: 1 hour\n", "sessions.yaml:5: ",
                        "invalid cluster.catch-up"),
                bad("settle-timeout zero", HEAD + ONE_MOVE + "  settle-timeout: 0s\n", "sessions.yaml:5: ",
                        "cluster.settle-timeout must be positive", "e.g. settle-timeout: 60s"),
                bad("unknown key", HEAD + ONE_MOVE + "  old-node: keep\n", "sessions.yaml:5: ",
                        "unknown key 'old-node' in cluster", "did you mean 'old-nodes'?"),
                bad("unknown key in a move", HEAD + "  moves: [{ from: \"127.0.0.1:7000\", too: \"127.0.0.1:7100\" }]\n",
                        "sessions.yaml:4: ", "unknown key 'too'", "did you mean 'to'?"),
                bad("no name", "cluster:\n  seeds: [\"127.0.0.1:7000\"]\n" + ONE_MOVE, "sessions.yaml: ",
                        "missing required key 'name'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void failsWithFileLineProblemAndFix(Bad bad) {
        SpecException error = catchThrowableOfType(SpecException.class, () -> ClusterLoader.parse(bad.yaml(), FILE));

        assertThat(error).as("no error for: " + bad.why()).isNotNull();
        assertThat(error.getMessage())
                .startsWith(bad.start())
                .doesNotContain("\n", "\r", "com.fasterxml", "Exception")
                .contains(bad.fragments())
                .matches(".*(\\(.+\\).*|; write e\\.g\\. .+)");
    }
}
