package dev.ferry.it;

import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;

/**
 * An application that ignores the switch and keeps a connection straight to a (reconnecting at once when a
 * closes it), so that ferry's drain watch has someone to wait for. Bounded: it gives up after five minutes.
 */
final class StrayClient implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final RedisServer server;
    private final AtomicInteger connects = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    private StrayClient(RedisServer server) {
        this.server = server;
        this.thread = new Thread(this::loop, "stray-client");
        thread.setDaemon(true);
    }

    static StrayClient connect(RedisServer server) {
        StrayClient stray = new StrayClient(server);
        stray.thread.start();
        return stray;
    }

    int connects() {
        return connects.get();
    }

    private void loop() {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (running && System.nanoTime() < deadline) {
            try (Jedis j = server.client(Duration.ofSeconds(2))) {
                connects.incrementAndGet();
                // PING is not a write: it runs through a write pause, and fails at once when a kills us
                while (running && System.nanoTime() < deadline) {
                    j.ping();
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException closedByServer) {
                // reconnect at once: the drain watch must see this client again
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
