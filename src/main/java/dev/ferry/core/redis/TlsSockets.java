package dev.ferry.core.redis;

import static java.util.Objects.requireNonNull;

import dev.ferry.core.spec.SpecException;
import dev.ferry.core.spec.TlsSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the socket factory for a {@link TlsSpec} from PEM files, with the JDK alone (Java's key stores do not
 * read PEM). Every socket verifies the server's certificate chain and its name (the spec's host, or
 * {@code server-name}). Problems with the files are {@link SpecException}s naming the file, never its content.
 */
public final class TlsSockets {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsSockets() {
    }

    /** The factory for {@code tls}; {@code role} ("source", ...) names the server in errors. */
    public static SSLSocketFactory factory(String role, TlsSpec tls) {
        requireNonNull(tls, "tls");
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(role, tls), trustManagers(role, tls), null);
            return new Verifying(context.getSocketFactory(), tls.serverName().orElse(null));
        } catch (GeneralSecurityException e) {
            throw new SpecException(role + ".tls: cannot set up TLS (" + e.getClass().getSimpleName()
                    + "): check that the JVM supports TLS 1.2 or later");
        }
    }

    private static TrustManager[] trustManagers(String role, TlsSpec tls) throws GeneralSecurityException {
        if (tls.caFile().isEmpty()) {
            return null; // the JVM's default CAs
        }
        Path file = tls.caFile().get();
        KeyStore trusted = emptyStore();
        int i = 0;
        for (Certificate ca : certificates(role + ".tls.ca-file", file)) {
            trusted.setCertificateEntry("ca-" + i++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(String role, TlsSpec tls) throws GeneralSecurityException {
        if (tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
            return null;
        }
        List<Certificate> chain = certificates(role + ".tls.cert-file", tls.certFile().get());
        PrivateKey key = PemKeys.read(role + ".tls.key-file", tls.keyFile().get());
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, NO_PASSWORD);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("empty key store", e);
        }
        return store;
    }

    private static List<Certificate> certificates(String key, Path file) {
        byte[] pem = read(key, file);
        try (InputStream in = new ByteArrayInputStream(pem)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return List.copyOf(certificates);
        } catch (CertificateException | IOException e) {
            throw new SpecException(key + ": " + file + " holds no PEM certificate (give the file with"
                    + " -----BEGIN CERTIFICATE----- blocks)");
        }
    }

    static byte[] read(String key, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SpecException(key + ": " + file + " does not exist (fix the path; relative paths start at the"
                    + " spec's folder)");
        } catch (IOException e) {
            throw new SpecException(key + ": " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "; check its permissions)");
        }
    }

    static String text(String key, Path file) {
        return new String(read(key, file), StandardCharsets.US_ASCII);
    }

    /**
     * Turns on name verification for every socket, against {@code serverName} when given: Java checks the name a
     * socket was created for, so that is the name handed on (it is also what SNI sends).
     */
    private static final class Verifying extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String serverName;

        Verifying(SSLSocketFactory delegate, String serverName) {
            this.delegate = delegate;
            this.serverName = serverName;
        }

        private Socket verifying(Socket socket) {
            SSLSocket ssl = (SSLSocket) socket;
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
            return ssl;
        }

        private String name(String host) {
            return serverName != null ? serverName : host;
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return verifying(delegate.createSocket(socket, name(host), port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return verifying(delegate.createSocket(name(host), port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return verifying(delegate.createSocket(name(host), port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return verifying(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return verifying(delegate.createSocket(address, port, localAddress, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }
}
