package dev.ferry.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.spec.SpecException;
import dev.ferry.core.spec.TlsSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys as OpenSSL writes them today (PKCS#8) and did before 3.0 (PKCS#1 RSA); errors never quote a file. */
class TlsSocketsTest {
    @TempDir
    Path dir;

    private Path openssl(String out, String... args) throws Exception {
        Process p = new ProcessBuilder(List.of(args)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
        return dir.resolve(out);
    }

    @Test
    void readsPkcs8AndPkcs1Keys() throws Exception {
        Path pkcs8 = openssl("ec.key", "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-out", "ec.key");
        Path pkcs1 = openssl("rsa.key", "openssl", "genrsa", "-traditional", "-out", "rsa.key", "2048");

        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PemKeys.read("k", pkcs8).getAlgorithm()).isEqualTo("EC");
        assertThat(PemKeys.read("k", pkcs1).getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void encryptedKeysAreRefusedWithTheConversion() throws Exception {
        Path key = dir.resolve("enc.key");
        Files.writeString(key, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nTUlJQ1ZE\n-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> PemKeys.read("source.tls.key-file", key)).isInstanceOf(SpecException.class)
                .hasMessage("source.tls.key-file: " + key + " holds a ENCRYPTED PRIVATE KEY, which ferry cannot read"
                        + " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)")
                .message().doesNotContain("TUlJQ1ZE");
    }

    @Test
    void aCaFileWithoutCertificatesOrMissingIsNamed() throws Exception {
        Path notPem = dir.resolve("ca.crt");
        Files.writeString(notPem, "secret-looking-content\n");

        assertThatThrownBy(() -> TlsSockets.factory("target", tls(notPem)))
                .hasMessage("target.tls.ca-file: " + notPem + " holds no PEM certificate (give the file with"
                        + " -----BEGIN CERTIFICATE----- blocks)");
        assertThatThrownBy(() -> TlsSockets.factory("target", tls(dir.resolve("nope.crt"))))
                .hasMessageContaining("nope.crt does not exist (fix the path");
    }

    private static TlsSpec tls(Path ca) {
        return new TlsSpec(Optional.of(ca), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
