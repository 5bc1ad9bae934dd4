package dev.ferry.core.host;

import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The host of a spec server, reached through the server's {@code exec} prefix (empty: no way to reach it). */
public final class ServerHosts {
    /** A clock read or a log tail: anything slower than this is an unreachable host, not a slow one. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ServerHosts() {
    }

    /** The exec of {@code server}; a relative program ("./on-host.sh") starts at the spec's folder, like a hook's. */
    public static Optional<HostExec> of(Spec spec, Endpoint server) {
        if (server.exec().isEmpty()) {
            return Optional.empty();
        }
        List<String> prefix = new ArrayList<>(server.exec());
        String program = prefix.get(0);
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            prefix.set(0, spec.specDir().resolve(program).normalize().toString());
        }
        return Optional.of(new HostExec(label(server), prefix, TIMEOUT, Redactor.NONE));
    }

    /** The server's letter as ferry prints it: a (source), b (target), c (backup). */
    public static String label(Endpoint server) {
        return switch (server.role()) {
            case "source" -> "a";
            case "target" -> "b";
            default -> "c";
        };
    }
}
