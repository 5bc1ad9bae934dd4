package dev.ferry.testkit;

import dev.ferry.core.generate.KeepalivedPair;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.run.RunResult;
import dev.ferry.core.run.Runner;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The seed's real topology in network namespaces: a, b, c on their own addresses, keepalived on a and b holding
 * the VIP on a, writers (in the root namespace, the client host) connecting through the VIP with a finite socket
 * timeout, and {@code ferry run} with a pause cutover and the keepalived switch.
 */
public final class VipDemo implements AutoCloseable {
    public static final String INSTANCE = "VI_1";
    /** Writers give up on a reply after this long: a writer stuck on a host without the VIP shows as a gap this long. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Requests per second of each writer that opens a connection per request: a SYN every 5 ms from 4 of them, and
     * the client's TIME_WAIT sockets (60 s each) stay well below its 28,000 ephemeral ports.
     */
    public static final int PER_REQUEST_RATE = 50;

    /** The longest switch timeout the VIP demo's specs use: the servers' backlog is sized for it. */
    private static final Duration BACKLOG_SWITCH_TIMEOUT = Duration.ofSeconds(15);

    private final DemoConfig config;
    private final NetnsBed bed;
    private final KeepalivedPair pair;
    private final boolean fastHandover;
    private NsRedis a;
    private NsRedis b;
    private NsRedis c;
    private NsKeepalived keepalivedA;
    private NsKeepalived keepalivedB;
    private Writers writers;
    private Writers perRequest;

    /** With {@code fastHandover} a's keepalived gives the VIP up through a tracked file (FAULT, priority-0 advert). */
    public VipDemo(DemoConfig config, boolean fastHandover) {
        this.config = config;
        this.fastHandover = fastHandover;
        this.bed = NetnsBed.create();
        this.pair = KeepalivedPair.defaults(INSTANCE, NetnsBed.IFACE, NetnsBed.VRID, bed.vip() + "/24");
    }

    public VipDemo(DemoConfig config) {
        this(config, true);
    }

    /** Each host has its own handover file (the namespaces share one file system). */
    private Path handoverFile(String host) {
        return bed.dir().resolve("handover-" + host);
    }

    private String keepalivedConfig(String host) {
        if (!fastHandover) {
            return host.equals("a") ? pair.source() : pair.target();
        }
        try {
            Files.writeString(handoverFile(host), "0\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeepalivedPair tracked = pair.withHandoverFile(handoverFile(host).toString());
        return host.equals("a") ? tracked.source() : tracked.target();
    }

    /** Starts a, b, c and keepalived on a and b, waits until the VIP is on a, loads a's dataset. */
    public VipDemo start(Consumer<String> say) {
        a = bed.startRedis("a", config.sourceBinary(), config.serversConfig(BACKLOG_SWITCH_TIMEOUT));
        b = bed.startRedis("b", config.targetBinary(), config.serversConfig(BACKLOG_SWITCH_TIMEOUT));
        c = bed.startRedis("c", config.backupBinary(), config.serversConfig(BACKLOG_SWITCH_TIMEOUT));
        keepalivedA = bed.startKeepalived("a", keepalivedConfig("a"));
        keepalivedB = bed.startKeepalived("b", keepalivedConfig("b"));
        Duration elected = bed.awaitVip("a", Duration.ofSeconds(15));
        say.accept("namespaces " + bed.prefix() + "-{a,b,c}: a=" + a.address() + " b=" + b.address() + " c="
                + c.address() + "; keepalived put VIP " + bed.vip() + " on a in " + elected.toMillis() + "ms");
        try (Jedis jedis = new Jedis(a.address(), NsRedis.PORT, 30_000)) {
            DatasetSummary summary = Dataset.load(jedis, config.keys(), 42);
            say.accept("loaded " + summary.totalKeys() + " keys on a");
        }
        return this;
    }

    /** The spec: each host reached with {@code ip netns exec}, keepalived reloaded and checked by its pid. */
    public Path writeSpec(Duration switchTimeout) {
        return writeSpec(switchTimeout, NsRedis.PORT, "");
    }

    /** The spec with ferry speaking to the servers on {@code port} (a tls-port, say) and {@code moreYaml} added. */
    public Path writeSpec(Duration switchTimeout, int port, String moreYaml) {
        String yaml = String.join("\n",
                "name: vip-demo",
                "source: { host: " + a.address() + ", port: " + port + ", exec: \"ip netns exec " + bed.netns("a") + "\" }",
                "target: { host: " + b.address() + ", port: " + port + ", exec: \"ip netns exec " + bed.netns("b") + "\" }",
                "backup: { host: " + c.address() + ", port: " + port + ", exec: \"ip netns exec " + bed.netns("c") + "\" }",
                moreYaml,
                "cutover: { mode: " + config.mode() + ", max-pause: " + config.maxPause().toMillis() + "ms, drain-watch: 1s }",
                "switch:",
                "  type: keepalived",
                "  vip: " + bed.vip(),
                "  instance: " + INSTANCE,
                "  timeout: " + switchTimeout.toMillis() + "ms",
                "  source: " + side(keepalivedA, fastHandover ? handoverFile("a") : null),
                "  target: " + side(keepalivedB, fastHandover ? handoverFile("b") : null),
                "after: { source: " + config.after() + " }",
                "");
        Path spec = bed.dir().resolve("vip-demo.yaml");
        try {
            Files.writeString(spec, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return spec;
    }

    private static String side(NsKeepalived k, Path handoverFile) {
        return "{ config: " + k.config() + ", reload: \"" + k.reloadCommand() + "\", running: \"" + k.runningCommand()
                + "\"" + (handoverFile == null ? "" : ", handover-file: " + handoverFile) + " }";
    }

    /**
     * Starts the writers through the VIP: {@code config.writers()} that keep a connection and reconnect at once after
     * an error, and as many that open a new connection per request (they send SYNs during the whole hand-over).
     * Returns the first kind; {@link #perRequestWriters()} the second.
     */
    public Writers startWriters() {
        writers = new Writers(writerConfig("vip-writer", config.ratePerWriter())).start();
        perRequest = Writers.perRequest(writerConfig("vip-conn", Math.min(PER_REQUEST_RATE, config.ratePerWriter()))).start();
        writers.awaitAcknowledged(config.writers() * 10L, Duration.ofSeconds(10));
        perRequest.awaitAcknowledged(config.writers() * 10L, Duration.ofSeconds(10));
        return writers;
    }

    private Writers.Config writerConfig(String keyPrefix, int rate) {
        return Writers.Config.builder().writers(config.writers()).ratePerWriter(rate)
                .evalShare(config.evalShare()).endpoint(new HostAndPort(bed.vip(), NsRedis.PORT))
                .socketTimeout(SOCKET_TIMEOUT).maxDuration(Duration.ofMinutes(5)).keyPrefix(keyPrefix).build();
    }

    /** The writers that open a connection per request (null before {@link #startWriters}). */
    public Writers perRequestWriters() {
        return perRequest;
    }

    /** Both kinds of writers, for the gap and loss checks. */
    public java.util.List<Writers> allWriters() {
        return perRequest == null ? java.util.List.of(writers) : java.util.List.of(writers, perRequest);
    }

    /** Stops both kinds of writers. */
    public void stopWriters() {
        allWriters().forEach(Writers::stop);
    }

    /** The longest gap any writer of either kind saw (since the start or the last {@link Writers#resetLongestGap}). */
    public Duration longestGap() {
        return allWriters().stream().map(w -> w.stats().longestGap()).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** Acknowledged writes of either kind missing on {@code host}'s server. */
    public long lostOn(String host) {
        try (Jedis j = redis(host).client()) {
            return allWriters().stream().mapToLong(w -> w.checkLost(j).lost()).sum();
        }
    }

    /** {@code ferry rollback} of the spec (after a completed run), as the CLI runs it. */
    public void rollback(Path spec, RunListener listener) {
        new dev.ferry.core.run.Rollback(SpecLoader.load(spec), new RunOptions(true, false, bed.dir().resolve(".ferry"),
                false), Confirmer.YES, listener, SecretSource.system(), Clock.systemUTC()).rollback();
    }

    public RunResult runFerry(Path spec, RunListener listener) {
        return new Runner(SpecLoader.load(spec), new RunOptions(true, false, bed.dir().resolve(".ferry"), false,
                "drain".equals(config.mode())),
                Confirmer.YES, listener, SecretSource.system(), Clock.systemUTC()).run();
    }

    /** The whole demo: servers, keepalived, writers through the VIP, ferry's run, the writers' verdict. */
    public DemoResult run(RunListener listener, Consumer<String> say) {
        start(say);
        Path specFile = writeSpec(Duration.ofSeconds(15));
        startWriters();
        say.accept("writers running through VIP " + bed.vip() + ": " + config.writers() + " x " + config.ratePerWriter()
                + " writes/s, socket timeout " + SOCKET_TIMEOUT.toSeconds() + "s");
        RunResult result = runFerry(specFile, listener);
        NetnsBed.sleep(config.writeAfter().toMillis());
        stopWriters();
        return verdict(SpecLoader.load(specFile), result);
    }

    public DemoResult verdict(Spec spec, RunResult result) {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("throughVip", bed.vip());
        setup.put("socketTimeoutMillis", SOCKET_TIMEOUT.toMillis());
        setup.put("vipOnB", bed.holdsVip("b") && !bed.holdsVip("a"));
        if (perRequest != null) {
            WriterStats s = perRequest.stats();
            setup.put("perRequestWriters", Map.of("acknowledged", s.acknowledged(), "errors", s.errors(),
                    "longestGapMillis", s.longestGap().toMillis(), "lostOnB", lostOn("b")));
        }
        try (Jedis jb = b.client(); Jedis jc = c.client()) {
            return DemoVerdict.of(result, writers, jb, jc, setup, Journal.fileFor(bed.dir().resolve(".ferry"), spec.name()));
        }
    }

    public NetnsBed bed() {
        return bed;
    }

    public NsKeepalived keepalived(String host) {
        return host.equals("a") ? keepalivedA : keepalivedB;
    }

    public NsRedis redis(String host) {
        return switch (host) {
            case "a" -> a;
            case "b" -> b;
            default -> c;
        };
    }

    public Writers writers() {
        return writers;
    }

    @Override
    public void close() {
        if (writers != null) {
            writers.close();
        }
        if (perRequest != null) {
            perRequest.close();
        }
        bed.close();
    }
}
