package dev.ferry.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Signals processes by handle (pid), never by name, and waits a bounded time for them to go. */
final class ProcessKiller {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessKiller() {
    }

    /**
     * SIGKILL the process and its descendants. Descendants first: a redis-server forks children for
     * BGSAVE and diskless sync, and those would outlive a killed parent until they finish writing.
     */
    static void killTree(ProcessHandle handle) {
        List<ProcessHandle> children = handle.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        awaitExit(handle, KILL_WAIT);
        children.forEach(c -> awaitExit(c, KILL_WAIT));
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL whatever is left. Returns true if it went gracefully. */
    static boolean terminate(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return true;
        }
        handle.destroy();
        if (awaitExit(handle, grace)) {
            return true;
        }
        killTree(handle);
        return false;
    }

    static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }
}
