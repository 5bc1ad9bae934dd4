package dev.ferry.core.preflight;

import dev.ferry.core.host.HostCommandFailed;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ServerHosts;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * That the later steps can start, checked before anything changes: each host's {@code exec} prefix runs a
 * harmless command ({@code true}) the way the clock check, the host logs and a keepalived switch will run theirs,
 * and the switch's {@code check-endpoint} can be reached now (after the switch, SwitchTraffic waits on it for b).
 * The switch's own programs and files (a hook, keepalived's reload, iptables, the configs it edits) are checked
 * by the switch itself (the "switch" line); the state dir, report and other output paths by the command line
 * before any server is contacted.
 */
public final class StartChecks {
    static final String EXEC = "host exec";
    static final String ENDPOINT = "check-endpoint";
    private static final int CONNECT_MILLIS = 2000;

    private StartChecks() {
    }

    public static List<CheckResult> all(Spec spec) {
        List<CheckResult> results = new ArrayList<>();
        results.add(execPrefixes(spec));
        spec.switchSpec().checkEndpoint().ifPresent(endpoint -> results.add(checkEndpoint(endpoint)));
        return results;
    }

    static CheckResult execPrefixes(Spec spec) {
        List<String> ok = new ArrayList<>();
        for (Endpoint server : spec.servers()) {
            Optional<HostExec> exec = ServerHosts.of(spec, server);
            if (exec.isEmpty()) {
                continue;
            }
            String label = ServerHosts.label(server);
            try {
                exec.get().run(List.of("true")).stdoutIfOk();
            } catch (HostCommandFailed e) {
                return CheckResult.fail(EXEC, label + "'s exec '" + String.join(" ", server.exec()) + "' cannot run 'true' on "
                        + label + "'s host: " + e.getMessage(), "fix " + server.role() + ".exec in the spec (e.g. \"ssh root@"
                        + server.host() + "\"): it must run a command on that host");
            }
            ok.add(label);
        }
        return CheckResult.pass(EXEC, ok.isEmpty() ? "no host exec in the spec"
                : String.join(", ", ok) + ": exec prefix runs 'true'");
    }

    static CheckResult checkEndpoint(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
        } catch (IOException e) {
            return CheckResult.fail(ENDPOINT, endpoint + " cannot be reached now (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); after the switch ferry waits on it to answer as b",
                    "fix switch.check-endpoint: it must lead to a now and to b after the switch");
        }
        return CheckResult.pass(ENDPOINT, endpoint + " answers");
    }
}
