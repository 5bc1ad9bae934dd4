package dev.ferry.core.procedure;

import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.TlsSockets;
import dev.ferry.core.spec.Credentials;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The three servers of a run, a (source), b (target) and c (backup, optional), one control connection each. */
public final class Servers implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final RedisNode a;
    private final RedisNode b;
    private final Optional<RedisNode> c;
    private final String clientName;
    private final Optional<Credentials> sentinelCredentials;

    public Servers(RedisNode a, RedisNode b, Optional<RedisNode> c, String clientName) {
        this(a, b, c, clientName, Optional.empty());
    }

    /** {@code sentinelCredentials}: ferry's login to the Sentinels of {@code sentinel: hosts}, if they need one. */
    public Servers(RedisNode a, RedisNode b, Optional<RedisNode> c, String clientName,
            Optional<Credentials> sentinelCredentials) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.clientName = clientName;
        this.sentinelCredentials = sentinelCredentials;
    }

    /** The name of ferry's own connections in this run: {@code ferry-<spec>-<pid>-<nonce>}. */
    public static String clientNameFor(String specName) {
        return RedisNode.CLIENT_NAME_PREFIX + specName + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffL);
    }

    /**
     * The name of read-only connections (plan, preflight, status): outside the {@code ferry-} prefix so that
     * looking at servers never makes a run think another run holds them.
     */
    public static String readOnlyClientNameFor(String specName) {
        return "ferryro-" + specName + "-" + ProcessHandle.current().pid();
    }

    public String clientName() {
        return clientName;
    }

    /** Connections are opened lazily; the client name lets other runs and the drain watch recognise ferry. */
    public static Servers of(Spec spec, SecretSource secrets, String clientName) {
        return new Servers(node("a", spec, spec.source(), secrets, clientName),
                node("b", spec, spec.target(), secrets, clientName),
                spec.backup().map(e -> node("c", spec, e, secrets, clientName)), clientName,
                spec.sentinelCredentials(secrets));
    }

    private static RedisNode node(String label, Spec spec, Endpoint e, SecretSource secrets, String clientName) {
        return new RedisNode(label, e.host(), e.port(), spec.credentials(e, secrets), clientName, TIMEOUT_MILLIS,
                e.renames(), e.tls().map(tls -> TlsSockets.factory(e.role(), tls)));
    }

    /** How ferry logs in to the Sentinels ({@code sentinel.auth}); empty when they need no password. */
    public Optional<Credentials> sentinelCredentials() {
        return sentinelCredentials;
    }

    public RedisNode a() {
        return a;
    }

    public RedisNode b() {
        return b;
    }

    public Optional<RedisNode> c() {
        return c;
    }

    public List<RedisNode> all() {
        List<RedisNode> all = new ArrayList<>(List.of(a, b));
        c.ifPresent(all::add);
        return all;
    }

    public RedisNode byLabel(String label) {
        return all().stream().filter(n -> n.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server " + label + " in this run"));
    }

    @Override
    public void close() {
        all().forEach(RedisNode::close);
    }
}
