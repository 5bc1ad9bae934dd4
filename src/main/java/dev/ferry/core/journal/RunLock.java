package dev.ferry.core.journal;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One run at a time per spec in a state directory. The lock file names its holder; a lock whose process is
 * gone (ferry was killed) is taken over rather than left blocking forever. Runs from other machines are caught
 * by the server-side check in preflight (ferry's named connections).
 */
public final class RunLock implements AutoCloseable {
    private final Path file;

    private RunLock(Path file) {
        this.file = file;
    }

    public static RunLock acquire(Path stateDir, String specName, String command) {
        Path file = stateDir.resolve(specName + ".lock");
        String me = ProcessHandle.current().pid() + " " + hostName() + " " + Instant.now() + " " + command;
        try {
            Files.createDirectories(stateDir);
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    Files.writeString(Files.createFile(file), me, StandardCharsets.UTF_8);
                    return new RunLock(file);
                } catch (FileAlreadyExistsException held) {
                    clearIfStale(file);
                }
            }
        } catch (IOException e) {
            // callers check the state dir first (OutputPaths); this is what is left: a disk that filled up, a race
            throw new FerryException(ExitCode.BAD_SPEC, "--state-dir " + stateDir + ": cannot write the lock " + file + " ("
                    + e.getClass().getSimpleName() + "): give a folder ferry can write into, or free space there", e);
        }
        throw new FerryException(ExitCode.LOCKED, "another ferry run holds " + specName + " (" + describe(file)
                + "): wait for it to finish, or if that process is gone delete " + file);
    }

    private static void clearIfStale(Path file) throws IOException {
        String[] holder = read(file).split(" ");
        boolean sameHost = holder.length > 1 && holder[1].equals(hostName());
        boolean alive = holder.length > 0 && holder[0].matches("\\d+")
                && ProcessHandle.of(Long.parseLong(holder[0])).map(ProcessHandle::isAlive).orElse(false);
        if (sameHost && !alive) {
            Files.deleteIfExists(file);
        }
    }

    private static String describe(Path file) {
        String[] h = read(file).split(" ", 4);
        return h.length < 4 ? "holder unknown" : "pid " + h[0] + " on " + h[1] + " since " + h[2] + ", " + h[3];
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a lock left behind is cleared as stale by the next run
        }
    }
}
