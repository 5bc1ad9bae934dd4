package dev.ferry.safety;

import dev.ferry.testkit.JedisClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * a and b in network namespaces of their own, each reachable from here (where ferry and the writers run) over
 * its own veth pair, and joined to each other by a third, direct one: cutting that one cuts replication between a
 * and b and nothing else. Addresses are in 198.19.N.0/28 with a random N; names carry a random id; close() stops
 * the servers it started and deletes the namespaces (the veths go with them). The servers' files live in the
 * caller's folder.
 *
 * <pre>
 *   here 198.19.N.1 ── 198.19.N.2  [ns a] 198.19.N.9 ── 198.19.N.10 [ns b]  198.19.N.6 ── 198.19.N.5 here
 * </pre>
 */
final class LinkCutBed implements AutoCloseable {
    static final int PORT = 6379;

    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final int net = ThreadLocalRandom.current().nextInt(1, 255);
    private final String nsA = "ferry-" + id + "-a";
    private final String nsB = "ferry-" + id + "-b";
    private final String abLink = "fy" + id + "ab";
    private final List<Process> servers = new ArrayList<>();

    private LinkCutBed() {
    }

    /** Builds the namespaces and links; tests skip it where `ip netns` is not allowed. */
    static LinkCutBed create() {
        LinkCutBed bed = new LinkCutBed();
        try {
            bed.build();
            return bed;
        } catch (RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    String a() {
        return address(2);
    }

    String b() {
        return address(6);
    }

    private String address(int host) {
        return "198.19." + net + "." + host;
    }

    private void build() {
        ip("netns", "add", nsA);
        ip("netns", "add", nsB);
        veth(nsA, "fy" + id + "ra", 1);
        veth(nsB, "fy" + id + "rb", 5);
        ip("-n", nsA, "link", "add", abLink, "type", "veth", "peer", "name", "fy" + id + "ba", "netns", nsB);
        ip("-n", nsA, "addr", "add", address(9) + "/30", "dev", abLink);
        ip("-n", nsB, "addr", "add", address(10) + "/30", "dev", "fy" + id + "ba");
        ip("-n", nsB, "link", "set", "fy" + id + "ba", "up");
        linkUp();
    }

    /** A veth from here into {@code ns}: here .first, there .first+1, in a /30 of its own. */
    private void veth(String ns, String name, int first) {
        ip("link", "add", name, "type", "veth", "peer", "name", name + "n", "netns", ns);
        ip("addr", "add", address(first) + "/30", "dev", name);
        ip("link", "set", name, "up");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", address(first + 1) + "/30", "dev", name + "n");
        ip("-n", ns, "link", "set", name + "n", "up");
    }

    /** The a-b link up, with the routes that send a's and b's traffic to each other over it (link down drops them). */
    private void linkUp() {
        ip("-n", nsA, "link", "set", abLink, "up");
        ip("-n", nsA, "route", "replace", address(4) + "/30", "via", address(10));
        ip("-n", nsB, "route", "replace", address(0) + "/30", "via", address(9));
    }

    /** a's packets to b trickle at 8 kbit/s from now on: b falls behind whatever a is sent next. */
    void throttleAToB() {
        run(List.of("ip", "netns", "exec", nsA, "tc", "qdisc", "replace", "dev", abLink, "root", "tbf", "rate", "8kbit",
                "burst", "1600", "latency", "60s"));
    }

    void cut() {
        ip("-n", nsA, "link", "set", abLink, "down");
    }

    void heal() {
        run(List.of("ip", "netns", "exec", nsA, "tc", "qdisc", "del", "dev", abLink, "root"));
        linkUp();
    }

    void startA(Path dir) {
        start(nsA, a(), dir.resolve("a"));
    }

    void startB(Path dir) {
        start(nsB, b(), dir.resolve("b"));
    }

    Jedis client(String address) {
        return JedisClients.connect(new HostAndPort(address, PORT), null, Duration.ofSeconds(5));
    }

    private void start(String ns, String address, Path dir) {
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("redis.conf");
            Files.writeString(conf, "port " + PORT + "\nbind 0.0.0.0\nprotected-mode no\ndaemonize no\ndir " + dir
                    + "\nlogfile " + dir.resolve("redis.log") + "\nsave \"\"\nappendonly no\nrepl-diskless-sync-delay 0\n");
            servers.add(new ProcessBuilder("ip", "netns", "exec", ns, "/usr/bin/redis-server", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitPing(address, dir);
    }

    private void awaitPing(String address, Path dir) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Jedis j = JedisClients.connect(new HostAndPort(address, PORT), null, Duration.ofMillis(300))) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (JedisException e) {
                sleep(50); // not listening yet
            }
        }
        String log;
        try {
            log = Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            log = "(no log)";
        }
        throw new IllegalStateException("redis in " + dir + " did not answer at " + address + ": "
                + log.substring(Math.max(0, log.length() - 2000)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 10s");
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroy();
        }
        for (Process p : servers) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : List.of(nsA, nsB)) {
            try {
                ip("netns", "del", ns);
            } catch (RuntimeException e) {
                // never created, or already gone
            }
        }
    }
}
