package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsSpecLoaderTest {
    private static final Path FILE = Path.of("/etc/ferry/orders.yaml");
    private static final String HOSTS = "name: orders\nsource: { host: 10.0.0.1 }\ntarget: { host: 10.0.0.2 }\n";

    private static Spec parse(String yaml) {
        return SpecLoader.parse(yaml, FILE);
    }

    @Test
    void topLevelTlsAppliesToEveryHostWithPathsFromTheSpecFolder() {
        Spec spec = parse(HOSTS + "tls: { ca-file: tls/ca.crt, cert-file: /pki/c.crt, key-file: c.key }\n");

        TlsSpec expected = new TlsSpec(Optional.of(Path.of("/etc/ferry/tls/ca.crt")), Optional.of(Path.of("/pki/c.crt")),
                Optional.of(Path.of("/etc/ferry/c.key")), Optional.empty());
        assertThat(spec.source().tls()).contains(expected);
        assertThat(spec.target().tls()).contains(expected);
    }

    @Test
    void aHostsOwnTlsReplacesTheTopLevelOne() {
        Spec spec = parse("name: orders\nsource: { host: 10.0.0.1 }\n"
                + "target: { host: 10.0.0.2, tls: { ca-file: b-ca.crt, server-name: redis-b.internal } }\n");

        assertThat(spec.source().tls()).isEmpty();
        assertThat(spec.target().tls()).contains(new TlsSpec(Optional.of(Path.of("/etc/ferry/b-ca.crt")),
                Optional.empty(), Optional.empty(), Optional.of("redis-b.internal")));
    }

    @Test
    void anEmptyTlsMeansTlsWithTheJvmsCas() {
        assertThat(parse(HOSTS + "tls: {}\n").source().tls())
                .contains(new TlsSpec(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        assertThatThrownBy(() -> parse(HOSTS + "tls: { cert-file: c.crt }\n"))
                .hasMessage("orders.yaml:4: tls needs cert-file and key-file together (add the missing one, or remove"
                        + " both when the server does not ask for client certificates)");
    }

    @Test
    void unknownTlsKeysAreRefusedWithASuggestion() {
        assertThatThrownBy(() -> parse(HOSTS + "tls: { ca-fil: ca.crt }\n"))
                .hasMessageStartingWith("orders.yaml:4: unknown key 'ca-fil'").hasMessageContaining("ca-file");
    }

    @Test
    void emptyPathsAndBadServerNamesAreRefused() {
        assertThatThrownBy(() -> parse(HOSTS + "tls: { ca-file: \"\" }\n"))
                .hasMessageStartingWith("orders.yaml:4: tls.ca-file is empty");
        assertThatThrownBy(() -> parse(HOSTS + "tls: { server-name: \"a b\" }\n"))
                .hasMessageStartingWith("orders.yaml:4: invalid tls.server-name 'a b'");
    }

    @Test
    void theReportShowsPathsOnly() {
        Spec spec = parse(HOSTS + "tls: { ca-file: ca.crt, cert-file: c.crt, key-file: c.key }\n");

        assertThat(spec.redacted().get("source").toString()).contains("key-file=/etc/ferry/c.key");
    }
}
