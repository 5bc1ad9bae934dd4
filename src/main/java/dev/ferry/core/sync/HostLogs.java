package dev.ferry.core.sync;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostCommandFailed;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ServerHosts;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The server's own words for a fault: the last warning lines ({@code #}) of its log, read through its host exec.
 * Without an exec, or with the log on stdout, there is nothing to read.
 */
final class HostLogs {
    private static final String LINES = "200";

    private HostLogs() {
    }

    /** " (a's log: ...)" with the last two warnings of {@code node}'s log, or "" when it cannot be read. */
    static String lastWarning(Spec spec, RedisNode node) {
        Optional<Endpoint> server = spec.servers().stream()
                .filter(e -> ServerHosts.label(e).equals(node.label())).findFirst();
        Optional<HostExec> exec = server.flatMap(e -> ServerHosts.of(spec, e));
        if (exec.isEmpty()) {
            return "";
        }
        try {
            String logfile = node.configGet("logfile").orElse("");
            if (logfile.isBlank()) {
                return "";
            }
            Path path = Path.of(node.configGet("dir").orElse("/")).resolve(logfile);
            List<String> warnings = exec.get().run(List.of("tail", "-n", LINES, path.toString())).stdoutIfOk().lines()
                    .filter(line -> line.contains(" # ")).map(line -> line.substring(line.indexOf(" # ") + 3)).toList();
            // the cause is often one line above a generic "Background saving error"
            List<String> last = warnings.subList(Math.max(0, warnings.size() - 2), warnings.size());
            return last.isEmpty() ? "" : " (" + node.label() + "'s log: "
                    + String.join(" / ", last.stream().map(ExecResult::firstLine).toList()) + ")";
        } catch (HostCommandFailed | RedisError e) {
            return "";
        }
    }
}
