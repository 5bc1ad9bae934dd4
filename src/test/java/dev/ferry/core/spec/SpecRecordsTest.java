package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.spec.After.SourceFate;
import dev.ferry.core.spec.CutoverSpec.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records guard their own invariants, so specs built in code (tests, other tools) are as sound as loaded ones. */
class SpecRecordsTest {

    private static Endpoint endpoint(String role, String host) {
        return new Endpoint(role, host, 6379, Optional.empty(), List.of());
    }

    @Test
    void cutoverRejectsNonPositivePause() {
        assertThatThrownBy(() -> new CutoverSpec(Mode.PAUSE, Duration.ZERO, Duration.ofHours(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max-pause must be positive, was 0s");
    }

    @Test
    void cutoverRejectsAbsurdPause() {
        assertThatThrownBy(() -> new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(61), Duration.ofHours(1), Duration.ZERO))
                .hasMessage("max-pause is absurdly large: must be at most 1m, was 1m1s");
        assertThat(new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(60), Duration.ofHours(1), Duration.ZERO).maxPause())
                .isEqualTo(CutoverSpec.MAX_PAUSE_LIMIT);
    }

    @Test
    void cutoverRejectsNegativeDrainWatchAndZeroCatchUp() {
        assertThatThrownBy(() -> new CutoverSpec(Mode.DRAIN, Duration.ofSeconds(1), Duration.ofHours(1),
                Duration.ofSeconds(-1)))
                .hasMessage("drain-watch must not be negative, was -1s");
        assertThatThrownBy(() -> new CutoverSpec(Mode.DRAIN, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO))
                .hasMessage("catch-up must be positive, was 0s");
    }

    @Test
    void endpointChecksPortAndRole() {
        assertThatThrownBy(() -> new Endpoint("source", "a", 0, Optional.empty(), List.of()))
                .hasMessage("port must be between 1 and 65535, was 0");
        assertThatThrownBy(() -> new Endpoint("replica", "a", 6379, Optional.empty(), List.of()))
                .hasMessage("role must be source, target or backup, was replica");
        assertThatThrownBy(() -> new Endpoint("source", " ", 6379, Optional.empty(), List.of()))
                .hasMessage("host must not be blank");
    }

    @Test
    void endpointCopiesItsExecPrefix() {
        List<String> exec = new ArrayList<>(List.of("ssh", "a"));
        Endpoint endpoint = new Endpoint("source", "a", 6379, Optional.empty(), exec);
        exec.add("rm");

        assertThat(endpoint.exec()).containsExactly("ssh", "a");
        assertThat(endpoint.address()).isEqualTo("a:6379");
    }

    @Test
    void hookSwitchNeedsACommandAndAPositiveTimeout() {
        assertThatThrownBy(() -> new Switch(Switch.Type.HOOK, List.of(), Duration.ofSeconds(1), Optional.empty(),
                Map.of()))
                .hasMessage("command must not be empty for a hook switch");
        assertThatThrownBy(() -> new Switch(Switch.Type.HOOK, List.of("x"), Duration.ZERO, Optional.empty(),
                Map.of()))
                .hasMessage("timeout must be positive, was 0s");
    }

    @Test
    void authSpecTakesOnePasswordSource() {
        assertThatThrownBy(() -> new AuthSpec(Optional.empty(), Optional.of("PW"), Optional.of(Path.of("pw"))))
                .hasMessage("password-env and password-file are exclusive, both were given");
    }

    @Test
    void enumsUseTheirSpecSpelling() {
        assertThat(Mode.FAILOVER.label()).isEqualTo("failover");
        assertThat(Switch.Type.KEEPALIVED).hasToString("keepalived");
        assertThat(SourceFate.DETACH.label()).isEqualTo("detach");
    }

    @Test
    void serversListsTheBackupLast() {
        Spec spec = new Spec("s", endpoint("source", "a"), endpoint("target", "b"),
                Optional.of(endpoint("backup", "c")), CutoverSpec.DEFAULT, Switch.NONE, After.DEFAULT,
                Path.of("s.yaml"));

        assertThat(spec.servers()).extracting(Endpoint::host).containsExactly("a", "b", "c");
        assertThat(spec.specDir()).isEqualTo(Path.of("").toAbsolutePath());
    }

    @Test
    void suggestionsStayWithinTwoEdits() {
        List<String> keys = List.of("mode", "max-pause", "catch-up", "drain-watch");

        assertThat(Suggestions.closest("max_pause", keys)).contains("max-pause");
        assertThat(Suggestions.closest("catchup", keys)).contains("catch-up");
        assertThat(Suggestions.closest("timeout", keys)).isEmpty();
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }
}
