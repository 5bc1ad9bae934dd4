package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** redis-server inside one host namespace of a {@link NetnsBed}, bound to that host's address on 6379. */
public final class NsRedis implements AutoCloseable {
    public static final int PORT = 6379;
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final String host;
    private final String address;
    private final NsProcess process;

    private NsRedis(String host, String address, NsProcess process) {
        this.host = host;
        this.address = address;
        this.process = process;
    }

    static NsRedis start(NetnsBed bed, String host, RedisBinary bin, Map<String, String> extraConfig) {
        Path dir = bed.dir().resolve("redis-" + host);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("port", Integer.toString(PORT));
        // all of the namespace's addresses: the VIP comes and goes on eth0
        config.put("bind", "0.0.0.0");
        config.put("dir", dir.toString());
        config.put("daemonize", "no");
        config.put("save", "\"\"");
        config.put("appendonly", "no");
        config.put("protected-mode", "no");
        config.putAll(extraConfig);
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("redis.conf");
            StringBuilder text = new StringBuilder();
            config.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
            Files.writeString(conf, text);
            NsProcess p = NsProcess.start(bed.netns(host), List.of(bin.path().toString(), conf.toString()),
                    dir.resolve("redis.log"), dir);
            NsRedis redis = new NsRedis(host, bed.address(host), p);
            redis.awaitReady();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config of redis on " + host, e);
        }
    }

    private void awaitReady() {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis on " + host + " exited: " + process.logTail());
            }
            try (Jedis j = client()) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                NetnsBed.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("redis on " + host + " did not answer within " + START_TIMEOUT_MILLIS + "ms");
    }

    public String address() {
        return address;
    }

    public int port() {
        return PORT;
    }

    public long pid() {
        return process.pid();
    }

    public Jedis client() {
        return new Jedis(address, PORT, 2000);
    }

    @Override
    public void close() {
        process.close();
    }
}
