package dev.ferry.core.redis;

import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Turns a failed TLS connection into what the operator must change: the JDK's handshake errors name the
 * mechanism ("PKIX path building failed"), not the fix.
 */
final class TlsErrors {
    private TlsErrors() {
    }

    /** The problem and its fix, when {@code failure} is about TLS (or about TLS missing); empty otherwise. */
    static Optional<String> explain(Throwable failure, boolean usingTls) {
        if (!usingTls) {
            return plainToTls(failure);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return Optional.of("TLS: the server's certificate is not signed by a CA in tls.ca-file: point"
                        + " ca-file at the CA that signed the server's tls-cert-file");
            }
            if (t instanceof CertificateException && text(t).contains("no") && text(t).contains("match")) {
                return Optional.of("TLS: the server's certificate does not name this host (" + firstLine(t)
                        + "): add tls.server-name with a name the certificate holds, or reissue the certificate");
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return Optional.of(sslProblem(text(t), firstLine(t)));
            }
        }
        if (timedOut(failure)) {
            // a plain port reads the ClientHello as the start of an inline command and waits for its newline
            return Optional.of("TLS: no answer to the TLS handshake: if this is the server's plain port, remove tls:"
                    + " for it, or use its tls-port; otherwise check that the server runs");
        }
        if (droppedAtOnce(failure)) {
            // TLS 1.3 finishes the client's side of the handshake before the server has checked its certificate
            return Optional.of("the server dropped ferry right after the TLS handshake: if it has tls-auth-clients"
                    + " yes, add tls.cert-file and key-file signed by a CA in its tls-ca-cert-file");
        }
        return Optional.empty();
    }

    private static String sslProblem(String text, String message) {
        if (text.contains("unrecognized ssl message") || text.contains("plaintext")) {
            return "TLS: the server answers in plain text on this port: remove tls: for it, or use its tls-port";
        }
        if (text.contains("certificate_required") || text.contains("bad_certificate")) {
            return "TLS: the server refused ferry's client certificate (" + message + "): add tls.cert-file and"
                    + " key-file signed by a CA in the server's tls-ca-cert-file";
        }
        return "TLS handshake failed (" + message + "): check tls: in the spec against the server's tls-* settings";
    }

    /** A TLS port drops a plain client after its first bytes: all ferry sees is the stream ending. */
    private static Optional<String> plainToTls(Throwable failure) {
        return droppedAtOnce(failure) ? Optional.of("the server dropped the connection at once: if this port is its"
                + " tls-port, add tls: { ca-file: ... } to the spec; otherwise check the server's log")
                : Optional.empty();
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean droppedAtOnce(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String text = text(t);
            if (text.contains("unexpected end of stream") || text.contains("connection reset")
                    || text.contains("broken pipe")) {
                return true;
            }
        }
        return false;
    }

    private static String text(Throwable t) {
        return String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    }

    private static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
