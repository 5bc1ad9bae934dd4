package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.spec.After.SourceFate;
import dev.ferry.core.spec.CutoverSpec.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLoaderTest {
    private static final Path FILE = Path.of("/etc/ferry/orders.yaml");

    private static final String MINIMAL = """
            name: orders-cache
            source: { host: 10.0.0.1 }
            target: { host: 10.0.0.2 }
            """;

    // the example from the documentation, comments included
    private static final String FULL = """
            name: orders-cache                            # used as a file name
            source: { host: 10.0.0.1, port: 6379 }        # a, the current master
            target: { host: 10.0.0.2, port: 6379 }        # b, the new master
            backup: { host: 10.0.0.3, port: 6379 }        # c, b's replica
            auth:   { username: app, password-env: REDIS_PASSWORD }
            cutover: { mode: pause, max-pause: 2s, catch-up: 30s, drain-watch: 10s }
            switch: { type: hook, command: ["./repoint.sh"], timeout: 30s, check-endpoint: "10.0.0.100:6379" }
            after:  { source: replica }                   # replica | detach
            """;

    @TempDir
    Path dir;

    private static Spec parse(String yaml) {
        return SpecLoader.parse(yaml, FILE);
    }

    @Test
    void minimalSpecGetsTheDefaults() {
        Spec spec = parse(MINIMAL);

        assertThat(spec.name()).isEqualTo("orders-cache");
        assertThat(spec.source()).isEqualTo(new Endpoint("source", "10.0.0.1", 6379, Optional.empty(), List.of()));
        assertThat(spec.target()).isEqualTo(new Endpoint("target", "10.0.0.2", 6379, Optional.empty(), List.of()));
        assertThat(spec.backup()).isEmpty();
        assertThat(spec.servers()).extracting(Endpoint::role).containsExactly("source", "target");
        assertThat(spec.cutover()).isEqualTo(new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(2), Duration.ofHours(1),
                Duration.ofSeconds(10)));
        assertThat(spec.switchSpec()).isEqualTo(Switch.NONE);
        assertThat(spec.switchSpec().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.after().source()).isEqualTo(SourceFate.REPLICA);
        assertThat(spec.specFile()).isEqualTo(FILE);
        assertThat(spec.specDir()).isEqualTo(Path.of("/etc/ferry"));
    }

    @Test
    void fullExampleLoadsEveryKey() {
        Spec spec = parse(FULL);

        AuthSpec auth = new AuthSpec(Optional.of("app"), Optional.of("REDIS_PASSWORD"), Optional.empty());
        assertThat(spec.servers()).containsExactly(
                new Endpoint("source", "10.0.0.1", 6379, Optional.of(auth), List.of()),
                new Endpoint("target", "10.0.0.2", 6379, Optional.of(auth), List.of()),
                new Endpoint("backup", "10.0.0.3", 6379, Optional.of(auth), List.of()));
        assertThat(spec.backup()).map(Endpoint::address).contains("10.0.0.3:6379");
        assertThat(spec.cutover()).isEqualTo(new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertThat(spec.switchSpec()).isEqualTo(new Switch(Switch.Type.HOOK, List.of("./repoint.sh"),
                Duration.ofSeconds(30), Optional.of("10.0.0.100:6379"), Map.of()));
        assertThat(spec.after()).isEqualTo(new After(SourceFate.REPLICA));
    }

    @Test
    void blockStyleReadsLikeFlowStyle() {
        Spec spec = parse("""
                name: orders-cache
                source:
                  host: 10.0.0.1
                  port: 6379
                target:
                  host: 10.0.0.2
                  port: 6380
                cutover:
                  mode: failover
                  max-pause: 1.5s
                  catch-up: 1m30s
                  drain-watch: 0s
                switch:
                  type: hook
                  command:
                    - ./repoint.sh
                    - --to
                    - b
                  timeout: 500ms
                after:
                  source: detach
                """);

        assertThat(spec.target().address()).isEqualTo("10.0.0.2:6380");
        assertThat(spec.cutover()).isEqualTo(new CutoverSpec(Mode.FAILOVER, Duration.ofMillis(1500),
                Duration.ofSeconds(90), Duration.ZERO));
        assertThat(spec.switchSpec().command()).containsExactly("./repoint.sh", "--to", "b");
        assertThat(spec.switchSpec().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(spec.after().source()).isEqualTo(SourceFate.DETACH);
    }

    @ParameterizedTest
    @CsvSource({"pause, PAUSE", "failover, FAILOVER", "drain, DRAIN"})
    void modesAreLowercaseInYamlAndText(String label, Mode mode) {
        Spec spec = parse(MINIMAL + "cutover: { mode: " + label + " }\n");

        assertThat(spec.cutover().mode()).isEqualTo(mode);
        assertThat(mode.label()).isEqualTo(label);
        assertThat(mode).hasToString(label);
    }

    @Test
    void hookCommandMaySplitOnWhitespaceAndStaysRelative() {
        Spec spec = parse(MINIMAL + "switch: { type: hook, command: \"./repoint.sh  --to b\" }\n");

        assertThat(spec.switchSpec().command()).containsExactly("./repoint.sh", "--to", "b");
        assertThat(spec.specDir().resolve(spec.switchSpec().command().get(0)).normalize())
                .isEqualTo(Path.of("/etc/ferry/repoint.sh"));
    }

    @Test
    void execIsAListOrAStringSplitOnWhitespace() {
        Spec spec = parse("""
                name: orders-cache
                source: { host: 10.0.0.1, exec: "ssh -o BatchMode=yes root@10.0.0.1" }
                target: { host: 10.0.0.2, exec: [ssh, "root@10.0.0.2"] }
                """);

        assertThat(spec.source().exec()).containsExactly("ssh", "-o", "BatchMode=yes", "root@10.0.0.1");
        assertThat(spec.target().exec()).containsExactly("ssh", "root@10.0.0.2");
    }

    @Test
    void renamesMergeTopLevelAndHostAndAreKeyedInUpperCase() {
        Spec spec = parse("""
                name: orders-cache
                rename: { CONFIG: XCONFIG, client: XCLIENT }
                source: { host: 10.0.0.1, rename: { config: SOURCECONFIG } }
                target: { host: 10.0.0.2 }
                """);

        assertThat(spec.source().renames()).containsExactlyInAnyOrderEntriesOf(
                Map.of("CONFIG", "SOURCECONFIG", "CLIENT", "XCLIENT"));
        assertThat(spec.target().renames()).containsExactlyInAnyOrderEntriesOf(
                Map.of("CONFIG", "XCONFIG", "CLIENT", "XCLIENT"));
        assertThat(spec.redacted().get("target").toString()).contains("XCONFIG");
    }

    @Test
    void aRenameToNothingIsRefusedWithTheFix() {
        assertThatThrownBy(() -> parse(MINIMAL + "rename: { CONFIG: \"\" }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("invalid rename.CONFIG")
                .hasMessageContaining("CONFIG: XCONFIG");
    }

    @Test
    void hostAuthOverridesTheTopLevelAuth() {
        Spec spec = parse("""
                name: orders-cache
                auth: { password-env: OLD_PASSWORD }
                source: { host: 10.0.0.1 }
                target: { host: 10.0.0.2, auth: { username: ferry, password-file: secrets/b.pw } }
                backup: { host: 10.0.0.3, auth: {} }
                """);

        assertThat(spec.source().auth()).flatMap(AuthSpec::passwordEnv).contains("OLD_PASSWORD");
        assertThat(spec.target().auth()).contains(new AuthSpec(Optional.of("ferry"), Optional.empty(),
                Optional.of(Path.of("/etc/ferry/secrets/b.pw"))));
        assertThat(spec.backup().orElseThrow().auth()).isEmpty();
    }

    @Test
    void absolutePasswordFileIsKept() {
        Spec spec = parse(MINIMAL + "auth: { password-file: /run/secrets/redis }\n");

        assertThat(spec.source().auth()).flatMap(AuthSpec::passwordFile).contains(Path.of("/run/secrets/redis"));
    }

    /** A plain VRRP move waits 3 advert intervals + skew (3.5 s): the default pause must not end before it. */
    @Test
    void keepalivedSwitchDefaultsToAPauseThatLeavesRoomForAVrrpMove() {
        String keepalived = "switch: { type: keepalived, vip: 10.0.0.100, instance: VI_1 }\n";
        assertThat(parse(MINIMAL + keepalived).cutover().maxPause()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse(MINIMAL + keepalived + "cutover: { mode: pause }\n").cutover().maxPause())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(parse(MINIMAL + keepalived + "cutover: { max-pause: 1s }\n").cutover().maxPause())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(parse(MINIMAL).cutover().maxPause()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void keepalivedKeepsItsKeysRaw() {
        Spec spec = parse(MINIMAL + """
                switch:
                  type: keepalived
                  vip: 10.0.0.100
                  instance: VI_REDIS
                  source: { priority: 100 }
                  target: [a, b]
                """);

        assertThat(spec.switchSpec().type()).isEqualTo(Switch.Type.KEEPALIVED);
        assertThat(spec.switchSpec().command()).isEmpty();
        assertThat(spec.switchSpec().options()).containsExactly(
                Map.entry("vip", "10.0.0.100"),
                Map.entry("instance", "VI_REDIS"),
                Map.entry("source", Map.of("priority", 100)),
                Map.entry("target", List.of("a", "b")));
    }

    @Test
    void serversOnDifferentPortsOfOneHostAreDistinct() {
        Spec spec = parse("""
                name: local
                source: { host: 127.0.0.1, port: 7001 }
                target: { host: 127.0.0.1, port: 7002 }
                backup: { host: 127.0.0.1, port: "7003" }
                """);

        assertThat(spec.servers()).extracting(Endpoint::address)
                .containsExactly("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003");
    }

    @Test
    void ipv6HostsAreBracketedInAddresses() {
        Spec spec = parse("""
                name: v6
                source: { host: "fd00::1" }
                target: { host: "fd00::2" }
                """);

        assertThat(spec.source().address()).isEqualTo("[fd00::1]:6379");
    }

    @Test
    void redactedViewNamesSecretSourcesButHoldsNoSecret() throws IOException {
        Spec spec = parse(FULL.replace("backup: { host: 10.0.0.3, port: 6379 }",
                "backup: { host: 10.0.0.3, auth: { password-file: c.pw } }"));

        Map<String, Object> view = spec.redacted();
        String json = new ObjectMapper().writeValueAsString(view);

        assertThat(view).containsKeys("name", "source", "target", "backup", "cutover", "switch", "after");
        assertThat(json)
                .contains("\"password-env\":\"REDIS_PASSWORD\"")
                .contains("\"password-file\":\"/etc/ferry/c.pw\"")
                .contains("\"max-pause\":\"2s\"")
                .contains("\"address\":\"10.0.0.1:6379\"")
                .contains("\"command\":[\"./repoint.sh\"]")
                .doesNotContain("\"password\"");
        assertThatThrownBy(() -> view.put("name", "changed")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void loadsFromAFileAndResolvesRelativePathsAgainstItsFolder() throws IOException {
        Path file = dir.resolve("orders.yaml");
        Files.writeString(file, MINIMAL + "auth: { username: app, password-file: redis.pw }\n");
        Files.setPosixFilePermissions(Files.writeString(dir.resolve("redis.pw"), "s3cret\n"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        Spec spec = SpecLoader.load(file);

        assertThat(spec.specFile()).isEqualTo(file);
        assertThat(spec.specDir()).isEqualTo(dir.toAbsolutePath());
        Optional<Credentials> credentials = spec.credentials(spec.source(), name -> Optional.empty());
        assertThat(credentials).contains(new Credentials(Optional.of("app"), "s3cret"));
        assertThat(credentials.orElseThrow()).hasToString("Credentials[username=app, password=***]");
    }

    @Test
    void missingFileIsNamedWithItsPath() {
        Path file = dir.resolve("nowhere.yaml");

        assertThatThrownBy(() -> SpecLoader.load(file))
                .isInstanceOf(SpecException.class)
                .hasMessage("nowhere.yaml: spec file " + file.toAbsolutePath() + " does not exist (check the path)");
    }

    @Test
    void directoryIsNotASpecFile() {
        assertThatThrownBy(() -> SpecLoader.load(dir))
                .hasMessageContaining("is a directory")
                .hasMessageContaining("give the path of the .yaml file");
    }
}
