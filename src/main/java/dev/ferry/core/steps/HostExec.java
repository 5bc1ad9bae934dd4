package dev.ferry.core.steps;

import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command on a server's host through its {@code exec} prefix (empty: no way to reach the host). A relative
 * program ("./on-host.sh") starts at the spec's folder, like a hook's.
 */
public final class HostExec {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<String> prefix;

    private HostExec(List<String> prefix) {
        this.prefix = prefix;
    }

    /** The exec of {@code server}, or empty when the spec gives none. */
    public static Optional<HostExec> of(Spec spec, Endpoint server) {
        if (server.exec().isEmpty()) {
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>(server.exec());
        String program = argv.get(0);
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            argv.set(0, spec.specDir().resolve(program).normalize().toString());
        }
        return Optional.of(new HostExec(argv));
    }

    /** The command's stdout and stderr; {@link Failed} when it cannot start, times out or exits non-zero. */
    public String run(String... command) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new Failed("no answer within " + TIMEOUT.toSeconds() + "s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new Failed("exit " + p.exitValue() + ": " + firstLine(out.strip()));
            }
            return out;
        } catch (IOException e) {
            throw new Failed("cannot start " + argv.get(0) + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }

    public static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    /** What went wrong, in a few words: never the command's whole output. */
    public static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failed(String message) {
            super(message);
        }
    }
}
