package dev.ferry.testkit;

import java.util.List;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * What a {@link WriterThread} writes through: one server's connection (the standalone writers) or a
 * cluster client that follows MOVED/ASK ({@link ClusterWriteClients}). Replies are passed back raw; the
 * writer counts a write only on "OK".
 */
interface WriteClient extends AutoCloseable {

    Object set(String key, String value);

    /** EVAL of {@code script} with {@code key} as KEYS[1] (so a cluster client routes it) and ARGV[1]. */
    Object eval(String script, String key, String value);

    /** Whether this client is useless after an error of {@code errorClass} and must be opened anew. */
    boolean reopenAfter(String errorClass);

    @Override
    void close();

    /** Opens clients for the writer threads and a reader for the final loss check. */
    interface Factory {

        /** A new client; throws a RuntimeException whose message names the endpoint when it cannot. */
        WriteClient open();

        /** A reader for the loss check; closed by the caller. */
        ReadBack openReadBack();
    }

    /** Reads keys back for {@link LossChecker}: values in the keys' order, null for an absent key. */
    interface ReadBack extends AutoCloseable {

        List<String> get(List<String> keys);

        @Override
        void close();
    }

    /** The standalone writers' clients: a plain connection to {@code config.endpoint().get()}. */
    static Factory standalone(Writers.Config config) {
        if (config.endpoint() == null) {
            throw new IllegalArgumentException("standalone writers need an endpoint (a cluster: Writers.cluster)");
        }
        return new Factory() {
            @Override
            public WriteClient open() {
                return new Single(connect(config));
            }

            @Override
            public ReadBack openReadBack() {
                Jedis jedis = connect(config);
                return new ReadBack() {
                    @Override
                    public List<String> get(List<String> keys) {
                        return jedis.mget(keys.toArray(new String[0]));
                    }

                    @Override
                    public void close() {
                        jedis.close();
                    }
                };
            }
        };
    }

    /**
     * Clients that open a new connection for every request and close it after the reply, as a PHP page or a
     * short-lived job does: they send a SYN to the endpoint for each write, so they see every instant in which no
     * host answers it.
     */
    static Factory perRequest(Writers.Config config) {
        Factory single = standalone(config);
        return new Factory() {
            @Override
            public WriteClient open() {
                return new PerRequest(config);
            }

            @Override
            public ReadBack openReadBack() {
                return single.openReadBack();
            }
        };
    }

    /** A connect whose failure stays a JedisConnectionException (a per-request writer counts it as a connection error). */
    private static Jedis connectRaw(Writers.Config config) {
        return JedisClients.connect(config.endpoint().get(), config.password(), config.socketTimeout(), config.ssl());
    }

    private static Jedis connect(Writers.Config config) {
        HostAndPort endpoint = null;
        try {
            // Re-read every time: the test "repoints the application" by changing what the supplier returns.
            // Inside the try: a supplier reading a file may fail mid-switch, which is one more failed connect.
            endpoint = config.endpoint().get();
            return JedisClients.connect(endpoint, config.password(), config.socketTimeout(), config.ssl());
        } catch (RuntimeException e) {
            throw new IllegalStateException(endpoint + ": " + e, e);
        }
    }

    /** One connection to one server: dropped after a connection error or READONLY (the server was demoted). */
    record Single(Jedis jedis) implements WriteClient {

        @Override
        public Object set(String key, String value) {
            return jedis.set(key, value);
        }

        @Override
        public Object eval(String script, String key, String value) {
            return jedis.eval(script, 1, key, value);
        }

        @Override
        public boolean reopenAfter(String errorClass) {
            return ErrorClass.needsReconnect(errorClass);
        }

        @Override
        public void close() {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // The connection is already broken; nothing more to release.
            }
        }
    }

    /** A new connection per request: the connect is part of the write, and its failure is the write's failure. */
    record PerRequest(Writers.Config config) implements WriteClient {

        @Override
        public Object set(String key, String value) {
            try (Jedis jedis = connectRaw(config)) {
                return jedis.set(key, value);
            }
        }

        @Override
        public Object eval(String script, String key, String value) {
            try (Jedis jedis = connectRaw(config)) {
                return jedis.eval(script, 1, key, value);
            }
        }

        @Override
        public boolean reopenAfter(String errorClass) {
            return false;
        }

        @Override
        public void close() {
            // nothing stays open between requests
        }
    }
}
