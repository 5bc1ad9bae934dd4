package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntPredicate;

/**
 * Free loopback ports: bind port 0, note the number, close. Remembers recent answers so two servers
 * started concurrently in one JVM never get the same number before either has bound it.
 */
final class FreePorts {

    private static final int MEMORY = 256;
    private static final int MAX_PROBES = 50;
    private static final Deque<Integer> RECENT = new ArrayDeque<>();
    /** Redis Cluster's bus listens on the client port plus this. */
    static final int BUS_OFFSET = 10_000;
    private static final int MAX_PORT = 65_535;

    private FreePorts() {
    }

    static synchronized int next() {
        return next(port -> true);
    }

    /**
     * A free port whose cluster bus port (port + 10000) is free too and still a valid port: a cluster
     * node binds both, and the kernel's ephemeral range (up to 60999) would often overflow 65535.
     */
    static synchronized int nextWithBus() {
        int port = next(p -> p + BUS_OFFSET <= MAX_PORT && !RECENT.contains(p + BUS_OFFSET) && isFree(p + BUS_OFFSET));
        // Remembered too, so a later next() does not hand the bus port out as some server's client port.
        remember(port + BUS_OFFSET);
        return port;
    }

    private static int next(IntPredicate alsoNeeded) {
        for (int i = 0; i < MAX_PROBES; i++) {
            int port = probe();
            if (!RECENT.contains(port) && alsoNeeded.test(port)) {
                remember(port);
                return port;
            }
        }
        throw new IllegalStateException("no fresh free port after " + MAX_PROBES + " probes");
    }

    private static void remember(int port) {
        RECENT.addLast(port);
        if (RECENT.size() > MEMORY) {
            RECENT.removeFirst();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(RedisServer.HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int probe() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(RedisServer.HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe a free port", e);
        }
    }
}
