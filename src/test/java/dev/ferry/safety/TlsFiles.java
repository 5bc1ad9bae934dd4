package dev.ferry.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the openssl command line in {@code dir}: a CA, a server certificate for 127.0.0.1
 * and localhost (RSA, shared by a, b and c, which also present it to each other when replicating), a client
 * certificate for ferry (EC, PKCS#8) and a second CA that signed none of them.
 */
public record TlsFiles(Path dir) {
    public static final String CA = "ca.crt";
    static final String OTHER_CA = "other-ca.crt";
    static final String SERVER_CERT = "server.crt";
    static final String SERVER_KEY = "server.key";
    static final String CLIENT_CERT = "client.crt";
    static final String CLIENT_KEY = "client.key";

    public static TlsFiles create(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TlsFiles files = new TlsFiles(dir);
        files.selfSigned("ca", "ferry-test-ca");
        files.selfSigned("other-ca", "some-other-ca");
        files.signed("server", "localhost", List.of("-newkey", "rsa:2048"), List.of("-extfile", "san.ext"));
        files.signed("client", "ferry", List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"), List.of());
        return files;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** What a redis-server needs to serve TLS on {@code tls-port} and to replicate over TLS. */
    public Map<String, String> serverConfig(String authClients) {
        return Map.of("tls-cert-file", file(SERVER_CERT).toString(), "tls-key-file", file(SERVER_KEY).toString(),
                "tls-ca-cert-file", file(CA).toString(), "tls-replication", "yes", "tls-auth-clients", authClients);
    }

    private void selfSigned(String name, String commonName) {
        openssl(List.of("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + commonName,
                "-keyout", name + ".key", "-out", name + ".crt"));
    }

    private void signed(String name, String commonName, List<String> keyOptions, List<String> extensions) {
        List<String> request = new java.util.ArrayList<>(List.of("req", "-nodes", "-subj", "/CN=" + commonName,
                "-keyout", name + ".key", "-out", name + ".csr"));
        request.addAll(keyOptions);
        openssl(request);
        List<String> sign = new java.util.ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", name + ".crt"));
        sign.addAll(extensions);
        openssl(sign);
    }

    private void openssl(List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl " + args + " failed: " + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
