package dev.ferry.core.sync;

import dev.ferry.core.preflight.ClockChecks;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.steps.HostExec;
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
                .filter(e -> ClockChecks.label(e).equals(node.label())).findFirst();
        Optional<HostExec> exec = server.flatMap(e -> HostExec.of(spec, e));
        if (exec.isEmpty()) {
            return "";
        }
        try {
            String logfile = node.configGet("logfile").orElse("");
            if (logfile.isBlank()) {
                return "";
            }
            Path path = Path.of(node.configGet("dir").orElse("/")).resolve(logfile);
            List<String> warnings = exec.get().run("tail", "-n", LINES, path.toString()).lines()
                    .filter(line -> line.contains(" # ")).map(line -> line.substring(line.indexOf(" # ") + 3)).toList();
            // the cause is often one line above a generic "Background saving error"
            List<String> last = warnings.subList(Math.max(0, warnings.size() - 2), warnings.size());
            return last.isEmpty() ? "" : " (" + node.label() + "'s log: "
                    + String.join(" / ", last.stream().map(HostExec::firstLine).toList()) + ")";
        } catch (HostExec.Failed | RedisError e) {
            return "";
        }
    }
}
