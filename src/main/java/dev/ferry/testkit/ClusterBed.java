package dev.ferry.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A real Redis Cluster on loopback, built by hand (CLUSTER MEET, ADDSLOTS, REPLICATE) so it works on every
 * server generation from 3.0, which has no {@code redis-cli --cluster}. Masters split the 16384 slots evenly;
 * {@link #start} returns once every node reports {@code cluster_state:ok}, every node's CLUSTER NODES agrees
 * on masters, replicas and slot owners, and every replica's link to its master is up. Closing stops every
 * process the bed started, cluster members and {@link #emptyNodes empty nodes} alike.
 */
public final class ClusterBed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterBed.class);
    /** Slots per CLUSTER ADDSLOTS call: ADDSLOTSRANGE only exists from 7.0, and one huge call is needless. */
    private static final int ADDSLOTS_BATCH = 1000;
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final long POLL_MILLIS = 50;
    /** SIGTERM grace (5 s) plus the SIGKILL that follows, with room to spare. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private final RedisBinary binary;
    private final Options options;
    private final List<RedisServer> masters = new ArrayList<>();
    private final List<RedisServer> replicas = new ArrayList<>();
    private final List<RedisServer> empty = new ArrayList<>();
    private final Map<RedisServer, String> ids = new HashMap<>();
    private final Map<RedisServer, RedisServer> masterOf = new HashMap<>();
    private boolean closed;

    private ClusterBed(RedisBinary binary, Options options) {
        this.binary = Objects.requireNonNull(binary, "binary");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** {@code masters} masters with {@code replicasPerMaster} replicas each, default {@link Options}. */
    public static ClusterBed start(RedisBinary bin, int masters, int replicasPerMaster) {
        return start(bin, masters, replicasPerMaster, Options.defaults());
    }

    public static ClusterBed start(RedisBinary bin, int masters, int replicasPerMaster, Options options) {
        if (masters < 1 || replicasPerMaster < 0) {
            throw new IllegalArgumentException("need masters >= 1 and replicasPerMaster >= 0, got " + masters
                    + " and " + replicasPerMaster);
        }
        ClusterBed bed = new ClusterBed(bin, options);
        try {
            bed.build(masters, replicasPerMaster);
            return bed;
        } catch (RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    /**
     * {@code n} more started, cluster-enabled servers of the bed's binary that joined no cluster: the new
     * nodes a move goes to. The bed closes them too.
     */
    public List<RedisServer> emptyNodes(int n) {
        return emptyNodes(binary, n);
    }

    /** As {@link #emptyNodes(int)}, of another binary (a move from Redis to Valkey, say). */
    public synchronized List<RedisServer> emptyNodes(RedisBinary bin, int n) {
        List<RedisServer> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RedisServer s = startNode(bin);
            empty.add(s);
            started.add(s);
        }
        return List.copyOf(started);
    }

    public RedisBinary binary() {
        return binary;
    }

    public Options options() {
        return options;
    }

    /** The masters as started (a failover later does not reorder these lists). */
    public List<RedisServer> masters() {
        return List.copyOf(masters);
    }

    /** The replicas as started, grouped by master in {@link #masters()} order. */
    public List<RedisServer> replicas() {
        return List.copyOf(replicas);
    }

    /** The replicas {@code master} was given at start. */
    public List<RedisServer> replicasOf(RedisServer master) {
        return replicas.stream().filter(r -> masterOf.get(r) == master).toList();
    }

    /** Masters, then replicas: every node the cluster was built from (not the empty nodes). */
    public List<RedisServer> nodes() {
        List<RedisServer> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    /** Every server process the bed started and has not closed: cluster nodes and empty nodes. */
    public synchronized List<RedisServer> processes() {
        List<RedisServer> all = nodes();
        all.addAll(empty);
        return all;
    }

    /** Addresses of every node the cluster was built from, for cluster clients. */
    public List<HostAndPort> seeds() {
        return nodes().stream().map(RedisServer::hostAndPort).toList();
    }

    /** The node id {@code server} reported at start (stable for the life of its nodes.conf). */
    public synchronized String nodeId(RedisServer server) {
        String id = ids.get(server);
        if (id == null) {
            throw new IllegalArgumentException(server + " was not started by this bed");
        }
        return id;
    }

    /** The master serving {@code slot} once the nodes agree (waits up to the options' form timeout). */
    public ClusterView.Node ownerOf(int slot) {
        return awaitAgreement(options.formTimeout()).ownerOf(slot)
                .orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
    }

    /** The bed's server at {@code node}'s address. */
    public synchronized RedisServer server(ClusterView.Node node) {
        return processes().stream().filter(s -> s.hostAndPort().equals(node.address())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(node.address() + " is no server of this bed"));
    }

    /** See {@link #awaitAgreement(Duration, Predicate)}; any agreed view will do. */
    public ClusterView awaitAgreement(Duration timeout) {
        return awaitAgreement(timeout, view -> true);
    }

    /**
     * Waits until the cluster's members agree and their common view passes {@code until}, then returns it.
     * Members are the bed's live servers that have joined a cluster and that some other member lists (so a
     * node the others forgot is not asked). Agreed means: every member's view is equal, lists exactly the
     * members, covers all 16384 slots, and every member says {@code cluster_state:ok}. Throws on timeout
     * with every node's last view.
     */
    public ClusterView awaitAgreement(Duration timeout, Predicate<ClusterView> until) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long maxPolls = timeout.toMillis() / POLL_MILLIS + 1;
        Map<HostAndPort, String> last = Map.of();
        for (long i = 0; i <= maxPolls; i++) {
            Probe probe = probe();
            ClusterView agreed = probe.agreed();
            if (agreed != null && until.test(agreed)) {
                return agreed;
            }
            last = probe.describe();
            if (System.nanoTime() >= deadline) {
                break;
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("cluster nodes did not agree within " + timeout + " (cluster-node-timeout "
                + options.nodeTimeout().toMillis() + " ms); last views:" + render(last));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // All at once: each stop may wait its 5 s SIGTERM grace, which must not add up over nine nodes.
        List<Thread> stoppers = processes().stream().map(s -> new Thread(() -> stop(s), "ferry-bed-stop-" + s.port()))
                .toList();
        stoppers.forEach(Thread::start);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Thread t : stoppers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.warn("{} still running after {}", t.getName(), CLOSE_TIMEOUT);
            }
        }
    }

    private static void stop(RedisServer s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.warn("could not stop {}: {}", s, e.toString());
        }
    }

    @Override
    public String toString() {
        return "ClusterBed " + binary.label() + " masters=" + masters + " replicas=" + replicas;
    }

    private void build(int masterCount, int replicasPerMaster) {
        for (int i = 0; i < masterCount; i++) {
            masters.add(startNode(binary));
        }
        for (RedisServer m : masters) {
            for (int r = 0; r < replicasPerMaster; r++) {
                RedisServer replica = startNode(binary);
                replicas.add(replica);
                masterOf.put(replica, m);
            }
        }
        meetAll();
        assignSlots();
        awaitEveryoneKnowsEveryone();
        replicas.forEach(r -> run(r, j -> j.clusterReplicate(ids.get(masterOf.get(r)))));
        awaitAgreement(options.formTimeout(), this::isAsBuilt);
        // start() returns only once every replica is in sync, so a test may fail over at once.
        awaitLinksUp(replicas, options.formTimeout());
        LOG.debug("cluster formed: {}", this);
    }

    private synchronized RedisServer startNode(RedisBinary bin) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("cluster-enabled", "yes");
        // Relative to the server's own dir (its working directory and "dir"), so nodes never share one.
        conf.put("cluster-config-file", "nodes.conf");
        conf.put("cluster-node-timeout", Long.toString(options.nodeTimeout().toMillis()));
        conf.putAll(options.extraConfig());
        RedisServer s = RedisServer.start(bin, conf, FreePorts::nextWithBus);
        try {
            ids.put(s, myId(s));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The {@code myself} line of CLUSTER NODES (CLUSTER MYID only exists from 3.2). */
    private static String myId(RedisServer s) {
        String nodes = run(s, Jedis::clusterNodes);
        return nodes.lines().filter(l -> l.contains("myself")).map(l -> l.split(" ", 2)[0]).findFirst()
                .orElseThrow(() -> new IllegalStateException(s + " shows no 'myself' in CLUSTER NODES: " + nodes));
    }

    private void meetAll() {
        RedisServer first = masters.get(0);
        nodes().stream().skip(1).forEach(n -> run(first, j -> j.clusterMeet(n.host(), n.port())));
    }

    private void assignSlots() {
        int m = masters.size();
        for (int i = 0; i < m; i++) {
            int from = i * ClusterView.SLOTS / m;
            int to = (i + 1) * ClusterView.SLOTS / m;
            for (int start = from; start < to; start += ADDSLOTS_BATCH) {
                int[] batch = IntStream.range(start, Math.min(to, start + ADDSLOTS_BATCH)).toArray();
                run(masters.get(i), j -> j.clusterAddSlots(batch));
            }
        }
    }

    /** CLUSTER REPLICATE needs the master known to the replica, so the handshakes must be done first. */
    private void awaitEveryoneKnowsEveryone() {
        Set<String> all = nodes().stream().map(ids::get).collect(Collectors.toSet());
        long deadline = System.nanoTime() + options.formTimeout().toNanos();
        long maxPolls = options.formTimeout().toMillis() / POLL_MILLIS + 1;
        for (long i = 0; i <= maxPolls && System.nanoTime() < deadline; i++) {
            if (nodes().stream().allMatch(n -> knownIds(n).equals(all))) {
                return;
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("cluster nodes did not all meet within " + options.formTimeout() + ": "
                + nodes().stream().map(n -> n.port() + " knows " + knownIds(n).size() + "/" + all.size())
                .collect(Collectors.joining(", ")));
    }

    private static Set<String> knownIds(RedisServer n) {
        return ClusterView.parse(run(n, Jedis::clusterNodes)).nodes().stream().map(ClusterView.Node::id)
                .collect(Collectors.toSet());
    }

    /** The agreed view has exactly the masters, replicas and slot split the bed built. */
    private boolean isAsBuilt(ClusterView view) {
        for (RedisServer m : masters) {
            if (view.byId(ids.get(m)).filter(ClusterView.Node::master).isEmpty()) {
                return false;
            }
        }
        for (RedisServer r : replicas) {
            String masterId = ids.get(masterOf.get(r));
            if (view.byId(ids.get(r)).filter(n -> masterId.equals(n.masterId())).isEmpty()) {
                return false;
            }
        }
        return view.nodes().size() == nodes().size();
    }

    /**
     * Waits until each of {@code replicas} reports {@code master_link_status:up} (a manual failover needs
     * the replica in sync); throws naming the ones still down.
     */
    public static void awaitLinksUp(Collection<RedisServer> replicas, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long maxPolls = timeout.toMillis() / POLL_MILLIS + 1;
        for (long i = 0; i <= maxPolls && System.nanoTime() < deadline; i++) {
            if (replicas.stream().allMatch(ClusterBed::linkUp)) {
                return;
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("replica links not up within " + timeout + ": "
                + replicas.stream().filter(r -> !linkUp(r)).map(RedisServer::toString)
                .collect(Collectors.joining(", ")));
    }

    private static boolean linkUp(RedisServer replica) {
        String info = run(replica, j -> j.info("replication"));
        return InfoParser.field(info, "master_link_status").filter("up"::equals).isPresent();
    }

    /** One round of asking every live server for its view and cluster state. */
    private Probe probe() {
        Map<HostAndPort, ClusterView> views = new LinkedHashMap<>();
        Map<HostAndPort, String> states = new LinkedHashMap<>();
        for (RedisServer s : processes()) {
            if (!s.isAlive()) {
                continue;
            }
            try (Jedis j = s.client(PROBE_TIMEOUT)) {
                views.put(s.hostAndPort(), ClusterView.parse(j.clusterNodes(), s.hostAndPort()));
                states.put(s.hostAndPort(), InfoParser.field(j.clusterInfo(), "cluster_state").orElse("?"));
            } catch (JedisException e) {
                states.put(s.hostAndPort(), "unreachable: " + e.getMessage());
            }
        }
        return new Probe(views, states);
    }

    /** One poll's answers: each live server's view and its cluster_state. */
    private record Probe(Map<HostAndPort, ClusterView> views, Map<HostAndPort, String> states) {

        /** The members' common view, or null while they disagree (see awaitAgreement). */
        ClusterView agreed() {
            Set<HostAndPort> members = members();
            if (members.isEmpty()) {
                return null;
            }
            ClusterView first = views.get(members.iterator().next());
            boolean same = members.stream().allMatch(m -> views.get(m).equals(first)
                    && "ok".equals(states.get(m)));
            Set<HostAndPort> listed = first.nodes().stream().map(ClusterView.Node::address)
                    .collect(Collectors.toSet());
            return same && listed.equals(members) && first.coveredSlots() == ClusterView.SLOTS ? first : null;
        }

        /**
         * Joined servers (knowing another node, or serving slots: a one-node cluster) that another joined
         * server lists; a lone joined server is its own cluster.
         */
        private Set<HostAndPort> members() {
            Map<HostAndPort, ClusterView> joined = views.entrySet().stream()
                    .filter(e -> e.getValue().nodes().size() > 1 || e.getValue().coveredSlots() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                            LinkedHashMap::new));
            if (joined.size() == 1) {
                return Set.copyOf(joined.keySet());
            }
            return joined.keySet().stream()
                    .filter(s -> joined.entrySet().stream()
                            .anyMatch(o -> !o.getKey().equals(s) && o.getValue().byAddress(s).isPresent()))
                    .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        }

        Map<HostAndPort, String> describe() {
            Map<HostAndPort, String> out = new LinkedHashMap<>();
            states.forEach((addr, state) -> out.put(addr, "cluster_state:" + state
                    + (views.containsKey(addr) ? views.get(addr).describe() : "")));
            return out;
        }
    }

    private static String render(Map<HostAndPort, String> views) {
        StringBuilder sb = new StringBuilder();
        views.forEach((addr, v) -> sb.append("\n ").append(addr).append(": ").append(v));
        return sb.toString();
    }

    private static <T> T run(RedisServer s, java.util.function.Function<Jedis, T> command) {
        try (Jedis j = s.client()) {
            return command.apply(j);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    /**
     * Bed settings: {@code nodeTimeout} is every node's cluster-node-timeout (how soon a dead node is
     * failed); {@code extraConfig} goes into every node's config after the cluster lines; {@code formTimeout}
     * bounds each wait of {@link #start} and {@link #ownerOf}.
     */
    public record Options(Duration nodeTimeout, Map<String, String> extraConfig, Duration formTimeout) {

        public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(2000);
        public static final Duration DEFAULT_FORM_TIMEOUT = Duration.ofSeconds(30);

        public Options {
            Objects.requireNonNull(nodeTimeout, "nodeTimeout");
            Objects.requireNonNull(formTimeout, "formTimeout");
            extraConfig = Map.copyOf(extraConfig);
            if (nodeTimeout.toMillis() < 1 || formTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("nodeTimeout and formTimeout must be >= 1 ms");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_NODE_TIMEOUT, Map.of(), DEFAULT_FORM_TIMEOUT);
        }

        public Options withNodeTimeout(Duration value) {
            return new Options(value, extraConfig, formTimeout);
        }

        public Options withExtraConfig(Map<String, String> value) {
            return new Options(nodeTimeout, value, formTimeout);
        }

        public Options withFormTimeout(Duration value) {
            return new Options(nodeTimeout, extraConfig, value);
        }
    }
}
