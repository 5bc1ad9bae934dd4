package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10.0.0.1:6379,10.0.0.1,6379,10.0.0.1:6379", "redis-1:7000,redis-1,7000,redis-1:7000",
            "' 127.0.0.1:1 ',127.0.0.1,1,127.0.0.1:1", "[fd00::1]:7000,fd00::1,7000,[fd00::1]:7000",
            "[::1]:65535,::1,65535,[::1]:65535"})
    void parsesAndWritesBack(String text, String host, int port, String written) {
        HostPort hp = HostPort.parse(text).orElseThrow();
        assertThat(hp.host()).isEqualTo(host);
        assertThat(hp.port()).isEqualTo(port);
        assertThat(hp.toString()).isEqualTo(written);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "10.0.0.1", "10.0.0.1:", ":6379", "10.0.0.1:0", "10.0.0.1:65536",
            "10.0.0.1:port", "fd00::1:7000", "[fd00::1:7000", "fd00::1]:7000", "[]:7000", "my host:6379",
            "10.0.0.1:-1", "10.0.0.1:6379 6380"})
    void refusesWhatIsNotHostColonPort(String text) {
        assertThat(HostPort.parse(text)).isEmpty();
    }
}
