package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How ferry talks TLS to one server: PEM files (absolute once loaded, relative paths resolve against the spec's
 * folder) and the name to verify the server's certificate against. The spec holds paths only; the key file's
 * content is read when connecting and never shown.
 *
 * @param caFile     the CA certificates that signed the server's certificate; empty means the JVM's default CAs
 * @param certFile   ferry's client certificate (chain), for servers with {@code tls-auth-clients yes}
 * @param keyFile    the unencrypted PKCS#8 (or PKCS#1 RSA) private key of {@code certFile}
 * @param serverName the name (or IP) in the server's certificate, when it is not the spec's {@code host}
 */
public record TlsSpec(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
        Optional<String> serverName) {

    public TlsSpec {
        requireNonNull(caFile, "caFile");
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        requireNonNull(serverName, "serverName");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("cert-file and key-file go together, only one was given");
        }
    }
}
