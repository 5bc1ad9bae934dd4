package dev.ferry.core.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on one machine through the spec's {@code exec} prefix ({@code ssh root@host},
 * {@code ip netns exec ha}, or nothing for local): argv is executed directly, never through a local shell.
 *
 * <p>A shell command runs as {@code sh -c <command>} behind the prefix. ssh joins its arguments with spaces and
 * hands them to the remote user's shell, so behind a prefix that contains ssh every argument is single-quoted
 * once more; {@code ip netns exec}, {@code sudo} and a local run pass argv through untouched and get it as is.
 */
public final class HostExec {
    private static final Logger LOG = LoggerFactory.getLogger(HostExec.class);
    private static final int LOG_LIMIT = 2000;

    private final String label;
    private final List<String> prefix;
    private final Duration timeout;
    private final Redactor redactor;

    public HostExec(String label, List<String> prefix, Duration timeout, Redactor redactor) {
        this.label = Objects.requireNonNull(label, "label");
        this.prefix = List.copyOf(prefix);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** Splits a spec's {@code exec: "ssh root@10.0.0.1"} on whitespace; no quoting rules, as documented. */
    public static List<String> splitPrefix(String exec) {
        String trimmed = exec.trim();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    public String label() {
        return label;
    }

    public List<String> prefix() {
        return prefix;
    }

    public HostExec withTimeout(Duration other) {
        return new HostExec(label, prefix, other, redactor);
    }

    /** Whether the prefix hands its arguments to a remote shell (ssh does; ip netns exec and sudo do not). */
    public boolean throughRemoteShell() {
        return prefix.stream().map(arg -> Path.of(arg).getFileName().toString()).anyMatch("ssh"::equals);
    }

    /** The argv that runs {@code command} on the host: prefix + command, each argument quoted once for ssh. */
    public List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(prefix);
        boolean quote = throughRemoteShell();
        command.forEach(arg -> argv.add(quote ? ShellQuote.quote(arg) : arg));
        return argv;
    }

    /** The argv for a shell command line, which the host's {@code sh} parses exactly once. */
    public List<String> shellArgv(String commandLine) {
        return argv(List.of("sh", "-c", commandLine));
    }

    /** How the operator would type it (for plans and logs). */
    public String display(String commandLine) {
        List<String> argv = shellArgv(commandLine);
        return redactor.redact(String.join(" ", argv.stream().map(ShellQuote::quoteIfNeeded).toList()));
    }

    public ExecResult run(List<String> command) {
        return execute(argv(command), null);
    }

    public ExecResult shell(String commandLine) {
        return execute(shellArgv(commandLine), null);
    }

    /** Runs a shell command with {@code input} on its stdin (how files are written on the host). */
    public ExecResult shell(String commandLine, String input) {
        return execute(shellArgv(commandLine), input);
    }

    private ExecResult execute(List<String> argv, String input) {
        String shown = redactor.redact(String.join(" ", argv));
        long start = System.nanoTime();
        Path out = tempFile("out");
        Path err = tempFile("err");
        try {
            // output goes to files: a chatty command must never block on a full pipe
            Process process = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration ran = Duration.ofNanos(System.nanoTime() - start); // not reading and logging: a clock check times this
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            ExecResult result = new ExecResult(label, shown, finished ? process.exitValue() : -1, !finished,
                    redactor.redact(Files.readString(out)), redactor.redact(Files.readString(err)), ran);
            log(result);
            return result;
        } catch (IOException e) {
            return new ExecResult(label, shown, -1, false, "", "cannot start: " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecResult(label, shown, -1, true, "", "interrupted", Duration.ofNanos(System.nanoTime() - start));
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private void log(ExecResult r) {
        LOG.info("{}: {} -> {} in {}ms{}{}", label, r.command(), r.timedOut() ? "timed out" : "exit " + r.exitCode(),
                r.took().toMillis(), shorten(" out: ", r.stdout()), shorten(" err: ", r.stderr()));
    }

    private static String shorten(String tag, String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return "";
        }
        return tag + (t.length() > LOG_LIMIT ? t.substring(0, LOG_LIMIT) + "..." : t);
    }

    private static Path tempFile(String kind) {
        try {
            return Files.createTempFile("ferry-exec", "." + kind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp file for a host command's output", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file left in /tmp is harmless
        }
    }
}
