package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Free loopback ports: bind port 0, note the number, close. Remembers recent answers so two servers
 * started concurrently in one JVM never get the same number before either has bound it.
 */
final class FreePorts {

    private static final int MEMORY = 256;
    private static final int MAX_PROBES = 50;
    private static final Deque<Integer> RECENT = new ArrayDeque<>();

    private FreePorts() {
    }

    static synchronized int next() {
        for (int i = 0; i < MAX_PROBES; i++) {
            int port = probe();
            if (!RECENT.contains(port)) {
                RECENT.addLast(port);
                if (RECENT.size() > MEMORY) {
                    RECENT.removeFirst();
                }
                return port;
            }
        }
        throw new IllegalStateException("no fresh free port after " + MAX_PROBES + " probes");
    }

    private static int probe() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(RedisServer.HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe a free port", e);
        }
    }
}
