package dev.ferry.core.switching;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.spec.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switch: { type: hook }}: runs the operator's command from the spec's folder with the old and new
 * addresses in its environment. It runs inside the cutover window, so its time counts against max-pause.
 */
public final class HookSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(HookSwitch.class);
    private static final int OUTPUT_LIMIT = 4000;

    private final List<String> command;
    private final Duration timeout;
    private final Path workDir;
    private final java.util.Set<String> hiddenEnv;
    private final Ticker ticker;

    public HookSwitch(List<String> command, Duration timeout, Path workDir) {
        this(command, timeout, workDir, java.util.Set.of());
    }

    /** {@code hiddenEnv}: variables that hold the servers' passwords; the hook does not need them, so it never sees them. */
    public HookSwitch(List<String> command, Duration timeout, Path workDir, java.util.Set<String> hiddenEnv) {
        this(command, timeout, workDir, hiddenEnv, Ticker.system());
    }

    /** {@code ticker} measures how long the hook took (part of the pause the clients see). */
    public HookSwitch(List<String> command, Duration timeout, Path workDir, java.util.Set<String> hiddenEnv,
            Ticker ticker) {
        this.ticker = ticker;
        if (command.isEmpty()) {
            throw new IllegalArgumentException("hook command must not be empty");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.workDir = workDir;
        this.hiddenEnv = java.util.Set.copyOf(hiddenEnv);
    }

    @Override
    public String describe() {
        return "hook " + String.join(" ", command) + " (timeout " + timeout.toMillis() + "ms)";
    }

    @Override
    public List<PlannedCommand> plan(Endpoint from, Endpoint to) {
        String env = "FERRY_SOURCE_HOST=" + from.host() + " FERRY_SOURCE_PORT=" + from.port()
                + " FERRY_TARGET_HOST=" + to.host() + " FERRY_TARGET_PORT=" + to.port();
        return List.of(PlannedCommand.host("local", "cd " + workDir + " && " + env + " " + String.join(" ", command),
                "repoint the applications to b"));
    }

    @Override
    public List<String> preflight() {
        Path program = executable();
        List<String> problems = new ArrayList<>();
        if (program.getNameCount() > 1 || program.isAbsolute()) {
            if (!Files.isRegularFile(program)) {
                problems.add("hook " + program + " does not exist: fix switch.command in the spec");
            } else if (!Files.isExecutable(program)) {
                problems.add("hook " + program + " is not executable: chmod +x " + program);
            }
        }
        return problems;
    }

    /** A command with a slash is a path relative to the spec's folder; a bare name is looked up on PATH. */
    private Path executable() {
        Path p = Path.of(command.get(0));
        return command.get(0).contains("/") ? workDir.resolve(p).normalize() : p;
    }

    @Override
    public boolean movesBeforeDemotion() {
        return true;
    }

    @Override
    public Duration move(Endpoint from, Endpoint to) {
        long start = ticker.read();
        Path log;
        try {
            log = Files.createTempFile("ferry-hook", ".log");
        } catch (IOException e) {
            throw new FerryException(ExitCode.INCOMPLETE, "cannot create the hook's log file: " + e.getMessage());
        }
        // output goes to a file: a chatty hook must never block on a full pipe inside the cutover window
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        hiddenEnv.forEach(env::remove);
        env.put("FERRY_SOURCE_HOST", from.host());
        env.put("FERRY_SOURCE_PORT", Integer.toString(from.port()));
        env.put("FERRY_TARGET_HOST", to.host());
        env.put("FERRY_TARGET_PORT", Integer.toString(to.port()));
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new FerryException(ExitCode.INCOMPLETE, "hook " + command.get(0) + " did not finish within "
                        + timeout.toMillis() + "ms: make it faster or raise switch.timeout");
            }
            String output = tail(log);
            LOG.info("hook exited {}: {}", process.exitValue(), output);
            if (process.exitValue() != 0) {
                throw new FerryException(ExitCode.INCOMPLETE, "hook " + command.get(0) + " exited with "
                        + process.exitValue() + (output.isEmpty() ? "" : " (" + lastLine(output) + ")")
                        + ": fix the hook, then run ferry resume");
            }
        } catch (IOException e) {
            throw new FerryException(ExitCode.INCOMPLETE, "cannot run hook " + command.get(0) + ": " + e.getMessage()
                    + ": fix switch.command, then run ferry resume");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.INCOMPLETE, "interrupted while the hook ran: run ferry resume");
        } finally {
            deleteQuietly(log);
        }
        return ticker.since(start);
    }

    private static String tail(Path log) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = Math.max(0, all.length - OUTPUT_LIMIT);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8).trim();
    }

    private static void deleteQuietly(Path log) {
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left in /tmp is harmless
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.split("\n");
        return lines[lines.length - 1];
    }
}
