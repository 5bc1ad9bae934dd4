package dev.ferry.testkit;

import java.time.Duration;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Waits until a just-launched server answers PING, telling a port clash apart from other failures. */
final class StartupProbe {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private static final long POLL_MILLIS = 20;
    /** Hard count bound on top of the deadline: 10 s / 20 ms, with room for slow probes. */
    private static final int MAX_POLLS = 600;

    private StartupProbe() {
    }

    static void awaitReady(RedisServer.Launch launch) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (int i = 0; i < MAX_POLLS && System.nanoTime() < deadline; i++) {
            if (!launch.process().isAlive()) {
                throw exited(launch);
            }
            if (answersAsUs(launch)) {
                return;
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("redis on port " + launch.port() + " did not answer PING within "
                + READY_TIMEOUT + "\n" + launch.diagnostics());
    }

    /** PONG from the port, and INFO's process_id is our child (not some other server on that port). */
    private static boolean answersAsUs(RedisServer.Launch launch) {
        try (Jedis j = JedisClients.connect(
                new HostAndPort(RedisServer.HOST, launch.port()), launch.password(),
                PROBE_TIMEOUT)) {
            if (!"PONG".equals(j.ping())) {
                return false;
            }
            String pid = InfoParser.field(j.info("server"), "process_id").orElse("");
            if (!pid.equals(Long.toString(launch.process().pid()))) {
                throw new PortTakenException("port " + launch.port() + " is served by pid " + pid);
            }
            return true;
        } catch (PortTakenException e) {
            throw e;
        } catch (JedisException e) {
            return false; // not listening yet, or still LOADING
        }
    }

    private static IllegalStateException exited(RedisServer.Launch launch) {
        String diag = launch.diagnostics();
        if (diag.contains("Address already in use")) {
            return new PortTakenException("port " + launch.port() + " already in use\n" + diag);
        }
        return new IllegalStateException("redis exited during startup with code "
                + launch.process().exitValue() + "\n" + diag);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis to start", e);
        }
    }
}
