package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SentinelSpecTest {
    private static final String HOSTS = "name: orders\nsource: { host: 10.0.0.1 }\ntarget: { host: 10.0.0.2 }\n";

    private static Spec parse(String yaml) {
        return SpecLoader.parse(yaml, Path.of("/etc/ferry/orders.yaml"));
    }

    @Test
    void withoutABlockAWatchedSourceFailsPreflight() {
        assertThat(parse(HOSTS).sentinel()).isEqualTo(Sentinel.NONE);
        assertThat(parse(HOSTS).redacted()).doesNotContainKey("sentinel");
    }

    @Test
    void hostsAndMasterNameMeanMove() {
        Spec spec = parse(HOSTS + "sentinel: { master-name: orders, hosts: [\"10.0.0.5:26379\", \"10.0.0.6:26379\"] }\n");

        assertThat(spec.sentinel()).isEqualTo(new Sentinel(Sentinel.Action.MOVE, Optional.of("orders"),
                List.of("10.0.0.5:26379", "10.0.0.6:26379")));
        assertThat(spec.redacted().get("sentinel").toString()).contains("action=move");
    }

    @Test
    void theSentinelsOwnPasswordComesFromTheEnvironmentAndStaysOutOfTheReport() {
        Spec spec = parse(HOSTS + "sentinel: { master-name: orders, hosts: [\"10.0.0.5:26379\"],"
                + " auth: { username: watcher, password-env: SENTINEL_PW } }\n");

        assertThat(spec.sentinel().auth()).contains(new AuthSpec(Optional.of("watcher"), Optional.of("SENTINEL_PW"),
                Optional.empty()));
        assertThat(spec.sentinelCredentials(name -> Optional.of("s3cret").filter(v -> name.equals("SENTINEL_PW"))))
                .contains(new Credentials(Optional.of("watcher"), "s3cret"));
        assertThat(spec.redacted().get("sentinel").toString()).contains("password-env=SENTINEL_PW")
                .doesNotContain("s3cret");
        assertThat(parse(HOSTS).sentinelCredentials(name -> Optional.of("s3cret"))).isEmpty();
        assertThatThrownBy(() -> spec.sentinelCredentials(name -> Optional.empty()))
                .hasMessage("orders.yaml: sentinel auth: environment variable SENTINEL_PW is not set or empty (export"
                        + " SENTINEL_PW with the password, or use password-file)");
    }

    @Test
    void ignoreTakesNothingElse() {
        assertThat(parse(HOSTS + "sentinel: { action: ignore }\n").sentinel().action()).isEqualTo(Sentinel.Action.IGNORE);
        assertThatThrownBy(() -> parse(HOSTS + "sentinel: { action: ignore, master-name: orders }\n"))
                .hasMessage("orders.yaml:4: sentinel.master-name, hosts and auth apply only to action move (remove"
                        + " them, or set action: move)");
    }

    @Test
    void moveNeedsBothAndValidAddresses() {
        assertThatThrownBy(() -> parse(HOSTS + "sentinel: { action: move, master-name: orders }\n"))
                .hasMessageStartingWith("orders.yaml:4: sentinel needs master-name and hosts");
        assertThatThrownBy(() -> parse(HOSTS + "sentinel: { master-name: orders, hosts: [\"10.0.0.5\"] }\n"))
                .hasMessage("orders.yaml:4: invalid sentinel.hosts entry '10.0.0.5' (write host:port, e.g. hosts:"
                        + " [\"10.0.0.5:26379\"])");
        assertThatThrownBy(() -> parse(HOSTS + "sentinel: { action: mvoe }\n"))
                .hasMessageContaining("did you mean 'move'?");
    }
}
