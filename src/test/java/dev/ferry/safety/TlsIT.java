package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExitCode;
import dev.ferry.core.redis.TlsSockets;
import dev.ferry.core.spec.TlsSpec;
import dev.ferry.testkit.JedisClients;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Debian's redis-server 7.0.15 with TLS only (plain port 0): ferry connects with the spec's PEM files, the servers
 * replicate to each other over TLS, writers over TLS lose nothing; a wrong CA, a missing tls: and a replica without
 * tls-replication are each refused with one line naming the fix.
 */
class TlsIT {
    private static final String CLIENT_TLS = "tls: { ca-file: tls/ca.crt, cert-file: tls/client.crt,"
            + " key-file: tls/client.key }\n";

    @TempDir
    Path dir;

    private MoveFixture f;
    private TlsFiles files;
    private final Map<RedisServer, Integer> tlsPorts = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** a, b and c from the fixture, switched to TLS only once a holds its data; the spec points at the TLS ports. */
    private void tlsOnly(String authClients, String tlsLine) throws IOException {
        files = TlsFiles.create(dir.resolve("tls"));
        f = new MoveFixture(dir, RedisBinary.system(), files.serverConfig(authClients), tlsLine);
        String spec = Files.readString(f.spec);
        for (RedisServer s : List.of(f.a, f.b, f.c)) {
            int tlsPort = ServerPool.closedPort();
            try (Jedis j = s.client()) {
                j.configSet("tls-port", Integer.toString(tlsPort));
                j.configSet("port", "0");
            }
            tlsPorts.put(s, tlsPort);
            spec = spec.replace("port: " + s.port() + " }", "port: " + tlsPort + " }");
        }
        MoveFixture.write(f.spec, spec);
        MoveFixture.write(dir.resolve("endpoint"), "127.0.0.1:" + tlsPorts.get(f.a) + "\n");
    }

    private SSLSocketFactory clientTls() {
        return TlsSockets.factory("test", new TlsSpec(Optional.of(files.file(TlsFiles.CA)),
                Optional.of(files.file(TlsFiles.CLIENT_CERT)), Optional.of(files.file(TlsFiles.CLIENT_KEY)),
                Optional.empty()));
    }

    private Jedis tlsClient(RedisServer s) {
        return JedisClients.connect(new HostAndPort("127.0.0.1", tlsPorts.get(s)), null, Duration.ofSeconds(5),
                clientTls());
    }

    private String replication(RedisServer s) {
        try (Jedis j = tlsClient(s)) {
            return j.info("replication");
        }
    }

    @ParameterizedTest(name = "tls-auth-clients {0}")
    @CsvSource(delimiter = '|', value = {
        "yes      | tls: { ca-file: tls/ca.crt, cert-file: tls/client.crt, key-file: tls/client.key }",
        "optional | tls: { ca-file: tls/ca.crt, server-name: localhost }"})
    void wholeRunOverTlsLosesNothing(String authClients, String tlsLine) throws Exception {
        tlsOnly(authClients, tlsLine + "\n");
        Writers writers = f.startWriters(clientTls());

        Cli.Result run = f.ferry("run", "--yes");

        writers.stop();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(writers.stats().acknowledged()).isGreaterThan(500);
        try (Jedis b = tlsClient(f.b)) {
            LossReport loss = writers.checkLost(b);
            assertThat(loss.lost()).as(loss.toString()).isZero();
            assertThat(b.info("replication")).contains("role:master");
        }
        assertThat(replication(f.a)).as("a follows b over TLS").contains("master_port:" + tlsPorts.get(f.b))
                .contains("master_link_status:up");
        assertThat(replication(f.c)).as("c follows b over TLS").contains("master_link_status:up");
        assertNoKeyMaterial(run);
    }

    private void assertNoKeyMaterial(Cli.Result run) throws IOException {
        List<String> keyLines = Files.readAllLines(files.file(TlsFiles.CLIENT_KEY)).stream()
                .filter(line -> !line.startsWith("-----")).toList();
        assertThat(keyLines).isNotEmpty();
        List<Path> written;
        try (Stream<Path> all = Files.walk(f.state)) {
            written = all.filter(Files::isRegularFile).toList();
        }
        assertThat(written).isNotEmpty();
        for (String line : keyLines) {
            assertThat(run.out() + run.err()).doesNotContain(line);
            for (Path file : written) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(line);
            }
        }
    }

    @Test
    void wrongCaIsRefusedWithTheFix() throws Exception {
        tlsOnly("optional", "tls: { ca-file: tls/other-ca.crt }\n");

        Cli.Result run = f.ferry("run", "--yes");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(run.errLine()).doesNotContain("\n").contains("a (127.0.0.1:" + tlsPorts.get(f.a) + ")")
                .contains("not signed by a CA in tls.ca-file").contains("point ca-file at the CA");
        assertThat(replication(f.b)).as("nothing changed").contains("role:master").contains("connected_slaves:0");
    }

    @Test
    void tlsPortWithoutTlsInTheSpecNamesTheFix() throws Exception {
        tlsOnly("optional", "");

        Cli.Result run = f.ferry("preflight");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(run.errLine()).doesNotContain("\n").contains("tls-port").contains("add tls:");
    }

    @Test
    void tlsAgainstAPlainPortIsNamed() throws Exception {
        files = TlsFiles.create(dir.resolve("tls"));
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "tls: { ca-file: tls/ca.crt }\n");

        Cli.Result run = f.ferry("preflight");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(run.errLine()).doesNotContain("\n").contains("no answer to the TLS handshake")
                .contains("remove tls: for it, or use its tls-port");
    }

    @Test
    void aReplicaSpeakingTlsToAPlainPortFailsPreflight() throws Exception {
        files = TlsFiles.create(dir.resolve("tls"));
        // every server has tls-replication yes, but the spec names their plain ports
        f = new MoveFixture(dir, RedisBinary.system(), files.serverConfig("optional"), "");

        Cli.Result run = f.ferry("preflight");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        assertThat(run.out() + run.err()).contains("b has tls-replication yes but a's port " + f.a.port()
                + " in the spec is not its tls-port").contains("CONFIG SET tls-replication no on b");
    }

    @Test
    void missingClientCertificateIsNamed() throws Exception {
        tlsOnly("yes", "tls: { ca-file: tls/ca.crt }\n");

        Cli.Result run = f.ferry("preflight");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.CONNECTION.value());
        assertThat(run.errLine()).doesNotContain("\n").contains("add tls.cert-file and key-file");
    }

    @Test
    void replicaWithoutTlsReplicationFailsPreflight() throws Exception {
        tlsOnly("yes", CLIENT_TLS);
        try (Jedis b = tlsClient(f.b)) {
            b.configSet("tls-replication", "no");
        }

        Cli.Result run = f.ferry("preflight");

        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCode.PREFLIGHT.value());
        assertThat(run.out() + run.err()).contains("tls replication")
                .contains("b must reach a at its tls-port " + tlsPorts.get(f.a) + " (a is TLS-only: port 0)")
                .contains("CONFIG SET tls-replication yes on b");
    }
}
