package dev.ferry.testkit;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last-resort cleanup: servers still registered when the JVM exits are SIGKILLed by pid and their
 * directories removed, so an aborted test or demo never leaves redis-server processes behind.
 */
final class ProcessReaper {

    /** Handles, not bare pids: a handle remembers the start time, so a reused pid is never signalled. */
    private static final Map<Long, Entry> LIVE = new ConcurrentHashMap<>();
    private static volatile boolean hookInstalled;

    private ProcessReaper() {
    }

    static void register(ProcessHandle process, Path dir) {
        installHook();
        LIVE.put(process.pid(), new Entry(process, dir));
    }

    static void unregister(long pid) {
        LIVE.remove(pid);
    }

    private static synchronized void installHook() {
        if (hookInstalled) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "ferry-redis-reaper"));
        hookInstalled = true;
    }

    private static void reapAll() {
        LIVE.values().forEach(e -> {
            if (e.process().isAlive()) {
                ProcessKiller.killTree(e.process());
            }
            Files2.deleteRecursively(e.dir());
        });
        LIVE.clear();
    }

    private record Entry(ProcessHandle process, Path dir) {
    }
}
