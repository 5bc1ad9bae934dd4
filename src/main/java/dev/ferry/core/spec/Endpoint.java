package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Redis server of the move.
 *
 * @param role "source" (a, the current master), "target" (b, the new master) or "backup" (c, b's replica)
 * @param auth where this server's password comes from: its own {@code auth:} (where an empty one means none),
 *             or else the spec's top-level one
 * @param exec the argv prefix that runs a shell command on this server's machine; empty means locally
 * @param renames commands renamed on this server ({@code rename-command CONFIG XCONFIG}): original name in upper
 *                case to the name ferry must send; the spec's top-level {@code rename:} merged with the host's own
 * @param tls how to talk TLS to this server: its own {@code tls:}, or else the spec's top-level one; empty means
 *            plain TCP
 */
public record Endpoint(String role, String host, int port, Optional<AuthSpec> auth, List<String> exec,
        Map<String, String> renames, Optional<TlsSpec> tls) {

    public static final int DEFAULT_PORT = 6379;
    public static final Set<String> ROLES = Set.of("source", "target", "backup");

    public Endpoint {
        requireNonNull(role, "role");
        requireNonNull(host, "host");
        requireNonNull(auth, "auth");
        exec = List.copyOf(exec);
        renames = Map.copyOf(renames);
        requireNonNull(tls, "tls");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be source, target or backup, was " + role);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        Checks.port("port", port);
    }

    /** An endpoint spoken to over plain TCP. */
    public Endpoint(String role, String host, int port, Optional<AuthSpec> auth, List<String> exec,
            Map<String, String> renames) {
        this(role, host, port, auth, exec, renames, Optional.empty());
    }

    /** An endpoint whose server has no renamed commands. */
    public Endpoint(String role, String host, int port, Optional<AuthSpec> auth, List<String> exec) {
        this(role, host, port, auth, exec, Map.of());
    }

    /** "host:port", the way the reports write it; an IPv6 host is bracketed so the port stays readable. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
