package dev.ferry.testkit;

import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/** One place that knows how to build a Jedis client every server generation (3.0 … 8.0) accepts. */
public final class JedisClients {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private JedisClients() {
    }

    /**
     * Client config without CLIENT SETINFO (unknown before 7.2). The protocol is deliberately left unset:
     * then Jedis sends no HELLO either, which servers before 6.0 would reject.
     */
    public static JedisClientConfig config(String password, Duration timeout) {
        return config(password, timeout, null);
    }

    /** As {@link #config(String, Duration)}, over TLS through {@code ssl} unless it is null. */
    public static JedisClientConfig config(String password, Duration timeout, SSLSocketFactory ssl) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .socketTimeoutMillis(millis)
                .connectionTimeoutMillis(millis)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (password != null && !password.isEmpty()) {
            b.password(password);
        }
        if (ssl != null) {
            b.ssl(true).sslSocketFactory(ssl);
        }
        return b.build();
    }

    /** A new connected client; the caller closes it. */
    public static Jedis connect(HostAndPort endpoint, String password, Duration timeout) {
        return new Jedis(endpoint, config(password, timeout));
    }

    /** A new connected client over TLS through {@code ssl} (plain TCP when null); the caller closes it. */
    public static Jedis connect(HostAndPort endpoint, String password, Duration timeout, SSLSocketFactory ssl) {
        return new Jedis(endpoint, config(password, timeout, ssl));
    }

    public static Jedis connect(HostAndPort endpoint, String password) {
        return connect(endpoint, password, DEFAULT_TIMEOUT);
    }
}
