package dev.ferry.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Cluster clients for {@link Writers#cluster}: one {@link JedisCluster} per writer, which follows MOVED and
 * ASK and refreshes its slot map from any node it knows. It is never reopened after a failed write (its own
 * pool reconnects), so a writer keeps going when its seeds die as long as one node it learned is alive.
 * Every client's learned nodes are kept here too, so a client opened later (a writer whose first attempt
 * failed, the loss check) is seeded with them and not only with the given seeds.
 */
final class ClusterWriteClients implements WriteClient.Factory {

    /** Jedis's default: tries per command, spread over redirects, reconnects and slot refreshes. */
    private static final int MAX_ATTEMPTS = 5;

    private final Writers.Config config;
    private final Set<HostAndPort> known = new LinkedHashSet<>();

    ClusterWriteClients(Collection<HostAndPort> seeds, Writers.Config config) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("cluster writers need at least one seed node");
        }
        this.config = config;
        known.addAll(seeds);
    }

    @Override
    public WriteClient open() {
        return new Client(connect());
    }

    @Override
    public WriteClient.ReadBack openReadBack() {
        JedisCluster cluster = connect();
        return new WriteClient.ReadBack() {
            @Override
            public List<String> get(List<String> keys) {
                return readAll(cluster, keys);
            }

            @Override
            public void close() {
                forget(cluster);
            }
        };
    }

    /** The nodes a new client is seeded with: the given seeds plus every node a client has learned. */
    synchronized Set<HostAndPort> known() {
        return new LinkedHashSet<>(known);
    }

    private JedisCluster connect() {
        Set<HostAndPort> seeds = known();
        Duration timeout = config.socketTimeout();
        try {
            JedisCluster cluster = new JedisCluster(seeds,
                    JedisClients.config(config.password(), timeout, config.ssl()), MAX_ATTEMPTS,
                    timeout.multipliedBy(MAX_ATTEMPTS));
            learn(cluster);
            return cluster;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cluster via " + seeds + ": " + e, e);
        }
    }

    private synchronized void learn(JedisCluster cluster) {
        cluster.getClusterNodes().keySet().forEach(node -> known.add(HostAndPort.from(node)));
    }

    /** Closes {@code cluster}, keeping what it learned for the next client. */
    private void forget(JedisCluster cluster) {
        try {
            learn(cluster);
            cluster.close();
        } catch (RuntimeException e) {
            // Closing a client whose nodes are gone: nothing more to release.
        }
    }

    /**
     * GETs in one pipeline per node; a key whose pipelined reply is an error (its slot moved since the
     * client's slot map was read) is read again on its own, following the redirect.
     */
    private static List<String> readAll(JedisCluster cluster, List<String> keys) {
        List<Response<String>> replies = new ArrayList<>(keys.size());
        try (ClusterPipeline pipeline = cluster.pipelined()) {
            keys.forEach(k -> replies.add(pipeline.get(k)));
            pipeline.sync();
        }
        List<String> values = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            try {
                values.add(replies.get(i).get());
            } catch (JedisDataException e) {
                values.add(cluster.get(keys.get(i)));
            }
        }
        return values;
    }

    /** One writer's cluster client. */
    private final class Client implements WriteClient {

        private final JedisCluster cluster;

        Client(JedisCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public Object set(String key, String value) {
            return cluster.set(key, value);
        }

        @Override
        public Object eval(String script, String key, String value) {
            return cluster.eval(script, 1, key, value);
        }

        @Override
        public boolean reopenAfter(String errorClass) {
            return false;
        }

        @Override
        public void close() {
            forget(cluster);
        }
    }
}
