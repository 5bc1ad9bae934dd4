package dev.ferry.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisDataException;

/** verify's own RESP2 pipeline against a real server: every reply shape, binary data, replies across buffers. */
class RespPipeIT {
    @Test
    void everyReplyShapeSurvivesAPipeline() throws Exception {
        byte[] binary = "a\r\nb\u0000c$*-:".getBytes(StandardCharsets.ISO_8859_1);
        byte[] big = new byte[200_000]; // three times the read buffer: one bulk reply over several reads
        new Random(3).nextBytes(big);
        try (RedisServer s = RedisServer.start(RedisBinary.system());
                RespPipe pipe = RespPipe.open(new HostAndPort(s.host(), s.port()),
                        DefaultJedisClientConfig.builder().autoNegotiateProtocol(false).build())) {
            pipe.command(b("SET"), binary, binary);
            pipe.command(b("SET"), b("big"), big);
            pipe.command(b("RPUSH"), b("list"), b("x"), b(""), binary);
            pipe.command(b("GET"), binary);
            pipe.command(b("GET"), b("big"));
            pipe.command(b("GET"), b("missing"));
            pipe.command(b("PTTL"), b("missing"));
            pipe.command(b("LRANGE"), b("list"), b("0"), b("-1"));
            pipe.command(b("LPOP"), b("big"));
            pipe.command(b("XADD"), b("s"), b("1-1"), b("f"), b("v"));
            pipe.command(b("XRANGE"), b("s"), b("-"), b("+"));
            pipe.command(b("BLPOP"), b("empty"), b("0.01"));
            pipe.flush();
            List<Object> r = pipe.read(12);

            assertThat(new String((byte[]) r.get(0), StandardCharsets.US_ASCII)).isEqualTo("OK");
            assertThat(r.get(2)).isEqualTo(3L);
            assertThat((byte[]) r.get(3)).isEqualTo(binary);
            assertThat(Arrays.equals((byte[]) r.get(4), big)).isTrue();
            assertThat(r.get(5)).isNull();
            assertThat(r.get(6)).isEqualTo(-2L);
            assertThat((List<?>) r.get(7)).hasSize(3).satisfies(l -> {
                assertThat((byte[]) l.get(1)).isEmpty();
                assertThat((byte[]) l.get(2)).isEqualTo(binary);
            });
            assertThat(r.get(8)).isInstanceOf(JedisDataException.class)
                    .satisfies(e -> assertThat(((Exception) e).getMessage()).startsWith("WRONGTYPE"));
            List<?> entry = (List<?>) ((List<?>) r.get(10)).get(0);
            assertThat(new String((byte[]) entry.get(0), StandardCharsets.US_ASCII)).isEqualTo("1-1");
            assertThat((List<?>) entry.get(1)).hasSize(2);
            assertThat(r.get(11)).as("a null array").isNull();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
