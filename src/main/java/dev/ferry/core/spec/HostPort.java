package dev.ferry.core.spec;

import java.util.Optional;

/**
 * A {@code host:port} as operators write it: {@code 10.0.0.1:6379}, {@code redis-1:6379}, or an IPv6 address in
 * brackets, {@code [fd00::1]:6379} (a bare IPv6 address cannot carry a port: its colons are ambiguous).
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        Checks.port("port", port);
    }

    /** The parsed address, or empty when {@code text} is not {@code host:port} with a port from 1 to 65535. */
    public static Optional<HostPort> parse(String text) {
        String written = text == null ? "" : text.strip();
        int colon = written.lastIndexOf(':');
        if (colon <= 0 || colon == written.length() - 1) {
            return Optional.empty();
        }
        String host = written.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            return Optional.empty();
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(written.substring(colon + 1));
            return port >= 1 && port <= 65535 ? Optional.of(new HostPort(host, port)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** As written back: IPv6 in brackets so the port stays readable. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
