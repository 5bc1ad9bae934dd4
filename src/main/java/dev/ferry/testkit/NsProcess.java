package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A process started inside a namespace with {@code ip netns exec}, which execs the command in place: the pid
 * we hold is the server's own. Stopped by that pid (SIGTERM, then SIGKILL), never by name.
 */
final class NsProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final Path log;

    private NsProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static NsProcess start(String ns, List<String> command, Path log, Path dir) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(command);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            ProcessReaper.register(p.toHandle(), dir);
            return new NsProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + " in " + ns, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logTail() {
        return Files2.tail(log, 3000);
    }

    /** SIGKILL, as a crash would. */
    void kill() {
        ProcessKiller.killTree(process.toHandle());
    }

    /** Sends a signal by pid to the process and its children (kill(1): Java can only TERM and KILL). */
    void signalTree(String signal) {
        List<String> argv = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(d -> argv.add(Long.toString(d.pid())));
        try {
            new ProcessBuilder(argv).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signalTree("CONT");
        }
        ProcessKiller.terminate(process.toHandle(), GRACE);
        ProcessReaper.unregister(process.pid());
    }
}
