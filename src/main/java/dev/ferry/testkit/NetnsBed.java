package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed's topology in network namespaces: a bridge namespace, one namespace per host (a, b, c) with an
 * address on {@code 198.18.N.0/24}, and the root namespace on the same bridge as the client and operator (the
 * JVM's writers and ferry itself run there). Redis and keepalived run inside the host namespaces; all of it is
 * torn down by pid and namespace name on close and, failing that, at JVM exit.
 */
public final class NetnsBed implements AutoCloseable {
    public static final List<String> HOSTS = List.of("a", "b", "c");
    public static final String IFACE = "eth0";
    public static final int VRID = 51;
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String prefix;
    private final int subnet;
    private final Path dir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Thread exitHook;
    private boolean closed;

    private NetnsBed(String prefix, int subnet, Path dir) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.dir = dir;
        this.exitHook = new Thread(this::teardown, "ferry-netns-teardown-" + prefix);
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /** Empty when a bed can be built here, else why not (for the demo's fallback message and test skips). */
    public static String unavailableReason() {
        return Netns.unavailableReason();
    }

    public static NetnsBed create() {
        long pid = ProcessHandle.current().pid();
        String prefix = "fy" + (pid % 100000) + (char) ('a' + SEQ.getAndIncrement() % 26);
        Path dir;
        try {
            dir = Files.createTempDirectory("ferry-netns-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test bed's folder", e);
        }
        NetnsBed bed = new NetnsBed(prefix, freeSubnet(pid), dir);
        try {
            bed.build();
            return bed;
        } catch (RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    /** A /24 of 198.18.0.0/15 that the root namespace does not use yet, so two beds never share routes. */
    private static int freeSubnet(long pid) {
        String used = Netns.rootAddresses();
        for (int i = 0; i < 250; i++) {
            int n = (int) ((pid + i) % 250) + 1;
            if (!used.contains(" 198.18." + n + ".")) {
                return n;
            }
        }
        throw new IllegalStateException("no free /24 in 198.18.0.0/16 for a test bed");
    }

    private void build() {
        String br = bridgeNs();
        Netns.ip("netns", "add", br);
        Netns.ip("-n", br, "link", "set", "lo", "up");
        Netns.ip("-n", br, "link", "add", "br0", "type", "bridge");
        Netns.ip("-n", br, "link", "set", "br0", "up");
        for (String host : HOSTS) {
            Netns.ip("netns", "add", netns(host));
            plug(host, netns(host));
            Netns.ip("-n", netns(host), "link", "set", "lo", "up");
        }
        plug("k", null);
    }

    /** One veth pair: one end on the bridge, the other as eth0 in the host namespace (or in the root one). */
    private void plug(String host, String ns) {
        String bridgeEnd = prefix + host + "0";
        String hostEnd = prefix + host + "1";
        Netns.ip("link", "add", bridgeEnd, "type", "veth", "peer", "name", hostEnd);
        Netns.ip("link", "set", bridgeEnd, "netns", bridgeNs());
        Netns.ip("-n", bridgeNs(), "link", "set", bridgeEnd, "master", "br0", "up");
        if (ns == null) {
            Netns.ip("addr", "add", clientAddress() + "/24", "dev", hostEnd);
            Netns.ip("link", "set", hostEnd, "up");
            return;
        }
        Netns.ip("link", "set", hostEnd, "netns", ns);
        Netns.ip("-n", ns, "link", "set", hostEnd, "name", IFACE);
        Netns.ip("-n", ns, "addr", "add", address(host) + "/24", "dev", IFACE);
        Netns.ip("-n", ns, "link", "set", IFACE, "up");
    }

    public String prefix() {
        return prefix;
    }

    public Path dir() {
        return dir;
    }

    private String bridgeNs() {
        return prefix + "-br";
    }

    public String netns(String host) {
        checkHost(host);
        return prefix + "-" + host;
    }

    /** a is .11, b .12, c .13. */
    public String address(String host) {
        checkHost(host);
        return "198.18." + subnet + "." + (11 + HOSTS.indexOf(host));
    }

    /** The root namespace's address on the bridge: where writers and ferry connect from. */
    public String clientAddress() {
        return "198.18." + subnet + ".1";
    }

    /** The root namespace's end of its link to the bridge: where a capture sees what the clients send and get. */
    public String clientInterface() {
        return prefix + "k1";
    }

    public String vip() {
        return "198.18." + subnet + ".100";
    }

    /** The argv prefix that runs a command on this host, as a spec's {@code exec:} would name it. */
    public List<String> exec(String host) {
        return List.of("ip", "netns", "exec", netns(host));
    }

    private static void checkHost(String host) {
        if (!HOSTS.contains(host)) {
            throw new IllegalArgumentException("host must be one of " + HOSTS + ", was " + host);
        }
    }

    /** Starts redis-server inside the host's namespace, bound to its address on port 6379. */
    public NsRedis startRedis(String host, RedisBinary bin, Map<String, String> extraConfig) {
        NsRedis redis = NsRedis.start(this, host, bin, extraConfig);
        started.add(redis);
        return redis;
    }

    /** Starts keepalived (VRRP only) inside the host's namespace from this config text. */
    public NsKeepalived startKeepalived(String host, String config) {
        NsKeepalived k = NsKeepalived.start(this, host, config);
        started.add(k);
        return k;
    }

    /** Whether the VIP is on the host's interface now. */
    public boolean holdsVip(String host) {
        return Netns.shellIn(netns(host), "ip -o addr show").stdout().contains(" " + vip() + "/");
    }

    /** Waits until the VIP is on this host only (keepalived needs about 3 advert intervals to elect). */
    public Duration awaitVip(String host, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (holdsVip(host) && HOSTS.stream().filter(h -> !h.equals(host)).noneMatch(this::holdsVip)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            sleep(50);
        }
        throw new IllegalStateException("VIP " + vip() + " not on " + host + " only after " + timeout.toMillis() + "ms");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Names of namespaces on this machine that belong to this bed (empty after close). */
    public List<String> leftovers() {
        return List.of(Netns.quietly("netns", "list").stdout().split("\n")).stream()
                .map(l -> l.split("\\s")[0]).filter(n -> n.startsWith(prefix + "-")).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run: teardown is idempotent
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // keep tearing down the rest
            }
        }
        for (String host : HOSTS) {
            Netns.quietly("netns", "del", prefix + "-" + host);
        }
        Netns.quietly("netns", "del", bridgeNs());
        Netns.quietly("link", "del", prefix + "k1");
        Files2.deleteRecursively(dir);
    }
}
