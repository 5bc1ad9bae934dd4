package dev.ferry.core.switching;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.OutputPaths;
import dev.ferry.core.journal.PrivateFiles;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.spec.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switch: { type: hook }}: runs the operator's command from the spec's folder with the old and new
 * addresses in its environment. It runs inside the cutover window, so its time counts against max-pause.
 * Its output goes to a log beside the journal, created by {@link #prepare} before the window opens and named in
 * the report; the program is the one preflight found ({@link HookProgram}), started by its absolute path.
 */
public final class HookSwitch implements TrafficSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(HookSwitch.class);
    private static final int OUTPUT_LIMIT = 4000;

    private final List<String> command;
    private final Duration timeout;
    private final Path workDir;
    private final java.util.Set<String> hiddenEnv;
    private final Ticker ticker;
    private final Optional<Path> logFile;
    private Armed armed;

    /** A hook started by {@link #arm}, waiting at its gate, for a move from {@code from} to {@code to}. */
    private record Armed(Endpoint from, Endpoint to, Process process, Path log, long logStart) {
    }

    private static final String SHELL = "/bin/sh";
    /** Runs the hook ($0 and its arguments) once the line "go" arrives; exits 125 without running it otherwise. */
    private static final String GATE = "IFS= read -r go && [ \"$go\" = go ] && exec \"$0\" \"$@\"; exit 125";
    private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration GATE_EXIT = Duration.ofSeconds(1);

    public HookSwitch(List<String> command, Duration timeout, Path workDir) {
        this(command, timeout, workDir, java.util.Set.of());
    }

    /** {@code hiddenEnv}: variables that hold the servers' passwords; the hook does not need them, so it never sees them. */
    public HookSwitch(List<String> command, Duration timeout, Path workDir, java.util.Set<String> hiddenEnv) {
        this(command, timeout, workDir, hiddenEnv, Optional.empty());
    }

    /**
     * {@code logFile}: where the hook's output is kept (the run's state dir); without one (plan, preflight, tests)
     * a temp file holds it during the call and is deleted after.
     */
    public HookSwitch(List<String> command, Duration timeout, Path workDir, java.util.Set<String> hiddenEnv,
            Optional<Path> logFile) {
        this(command, timeout, workDir, hiddenEnv, logFile, Ticker.system());
    }

    /** {@code ticker} measures how long the hook took (part of the pause the clients see). */
    public HookSwitch(List<String> command, Duration timeout, Path workDir, java.util.Set<String> hiddenEnv,
            Optional<Path> logFile, Ticker ticker) {
        this.ticker = ticker;
        if (command.isEmpty()) {
            throw new IllegalArgumentException("hook command must not be empty");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.workDir = workDir;
        this.hiddenEnv = java.util.Set.copyOf(hiddenEnv);
        this.logFile = logFile;
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
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(workDir)) {
            problems.add("the hook's working folder " + workDir + " (the spec's folder) is not a folder");
        }
        problems.addAll(program().problems());
        logFile.flatMap(OutputPaths::problemWithFile)
                .ifPresent(problem -> problems.add("the hook's log " + logFile.get() + " " + problem));
        return problems;
    }

    private HookProgram program() {
        return HookProgram.of(command.get(0), workDir);
    }

    /** Creates the log before the cutover window opens: nothing is created on disk inside it. */
    @Override
    public void prepare() {
        if (logFile.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(logFile.get().getParent());
            PrivateFiles.ensure(logFile.get());
        } catch (IOException e) {
            throw new FerryException(ExitCode.PREFLIGHT, "cannot create the hook's log " + logFile.get() + " ("
                    + e.getClass().getSimpleName() + "): give a --state-dir ferry can write into");
        }
    }

    @Override
    public Optional<Path> log() {
        return logFile;
    }

    /** The argv exec receives: the program preflight resolved, by its absolute path. */
    private List<String> argv() {
        List<String> argv = new ArrayList<>(command);
        program().resolve().ifPresent(p -> argv.set(0, p.toString()));
        return argv;
    }

    @Override
    public boolean movesBeforeDemotion() {
        return true;
    }

    /**
     * Starts the hook before the cutover window opens, held at a gate: a shell that waits for one line on its
     * stdin, then execs the hook (same argv, folder, environment and log as an unarmed start). {@link #move} only
     * sends that line, so the window pays for the hook's own work, not for starting a process from the JVM. At the
     * end of its stdin (disarmed, or ferry died) the gate exits without running the hook. If the gate cannot be
     * started, the hook starts inside the window as before.
     */
    @Override
    public synchronized void arm(Endpoint from, Endpoint to) {
        disarm();
        try {
            Path log = openLog();
            long logStart = Files.size(log);
            List<String> gated = new ArrayList<>(List.of(SHELL, "-c", GATE));
            gated.addAll(argv());
            armed = new Armed(from, to, builder(gated, from, to, log).start(), log, logStart);
        } catch (IOException | RuntimeException e) {
            LOG.debug("hook not started ahead of the window ({}): it starts inside it", e.toString());
        }
    }

    @Override
    public synchronized void disarm() {
        Armed gate = armed;
        armed = null;
        if (gate == null) {
            return;
        }
        try {
            gate.process().getOutputStream().close(); // the end of its stdin: the gate exits, the hook never runs
            if (!gate.process().waitFor(GATE_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                gate.process().destroyForcibly();
            }
        } catch (IOException e) {
            gate.process().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gate.process().destroyForcibly();
        } finally {
            if (logFile.isEmpty()) {
                deleteQuietly(gate.log());
            }
        }
    }

    /** The armed hook if it was armed for this move; any other is disarmed. */
    private synchronized Armed takeArmed(Endpoint from, Endpoint to) {
        Armed gate = armed;
        if (gate != null && same(gate.from(), from) && same(gate.to(), to) && gate.process().isAlive()) {
            armed = null;
            return gate;
        }
        disarm();
        return null;
    }

    /**
     * What the hook is told: host and port. Not the record's equals: its first call in a JVM builds method handles
     * (tens of ms on a busy host), and this runs inside the window.
     */
    private static boolean same(Endpoint x, Endpoint y) {
        return x.host().equals(y.host()) && x.port() == y.port();
    }

    /** Opens the gate; false when the gate is gone (then the hook never ran and is started afresh). */
    private static boolean release(Armed gate) {
        try {
            OutputStream stdin = gate.process().getOutputStream();
            stdin.write(GO);
            stdin.close();
            return true;
        } catch (IOException e) {
            gate.process().destroyForcibly();
            return false;
        }
    }

    private Path openLog() throws IOException {
        return logFile.isPresent() ? logFile.get() : Files.createTempFile("ferry-hook", ".log");
    }

    private ProcessBuilder builder(List<String> argv, Endpoint from, Endpoint to, Path log) {
        // output goes to a file: a chatty hook must never block on a full pipe inside the cutover window
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        hiddenEnv.forEach(env::remove);
        env.put("FERRY_SOURCE_HOST", from.host());
        env.put("FERRY_SOURCE_PORT", Integer.toString(from.port()));
        env.put("FERRY_TARGET_HOST", to.host());
        env.put("FERRY_TARGET_PORT", Integer.toString(to.port()));
        return pb;
    }

    @Override
    public Duration move(Endpoint from, Endpoint to) {
        Armed gate = takeArmed(from, to);
        long start = ticker.read();
        Path log;
        long logStart;
        if (gate != null && release(gate)) {
            log = gate.log();
            logStart = gate.logStart();
        } else {
            gate = null;
            try {
                log = openLog();
                logStart = Files.exists(log) ? Files.size(log) : 0;
            } catch (IOException e) {
                throw new FerryException(ExitCode.INCOMPLETE, "cannot create the hook's log file: " + e.getMessage());
            }
        }
        try {
            Process process = gate != null ? gate.process() : builder(argv(), from, to, log).start();
            if (gate == null) {
                process.getOutputStream().close();
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new FerryException(ExitCode.INCOMPLETE, "hook " + command.get(0) + " did not finish within "
                        + timeout.toMillis() + "ms: make it faster or raise switch.timeout");
            }
            String output = tail(log, logStart);
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
            if (logFile.isEmpty()) {
                deleteQuietly(log);
            }
        }
        return ticker.since(start);
    }

    /** The last of what this call of the hook wrote (the log also holds earlier calls: a resume, a rollback). */
    private static String tail(Path log, long since) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.max(Math.min(since, all.length), all.length - OUTPUT_LIMIT);
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
