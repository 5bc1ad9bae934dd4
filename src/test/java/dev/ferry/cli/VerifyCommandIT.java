package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** {@code ferry verify}: exit 0 when a, b and c match, 10 with differences (listed in the file), 4 unreachable. */
class VerifyCommandIT {

    @Test
    void exitCodesTellMatchDifferencesAndCouldNotVerify(@TempDir Path dir) throws Exception {
        RedisServer c = RedisServer.start(RedisBinary.system());
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client(); Jedis jc = c.client()) {
            for (Jedis j : new Jedis[] {ja, jb, jc}) {
                j.set("k1", "v1");
                j.hset("h", "f", "1");
            }
            Path spec = dir.resolve("s.yaml");
            Files.writeString(spec, "name: s\nsource: { host: 127.0.0.1, port: " + a.port() + " }\n"
                    + "target: { host: 127.0.0.1, port: " + b.port() + " }\n"
                    + "backup: { host: 127.0.0.1, port: " + c.port() + " }\n");

            Result match = verify(spec, "--full");
            assertThat(match.code).as(match.out).isZero();
            assertThat(match.out).contains("a<->b (full): 2 keys", "b<->c (full): 2 keys", "verify: match");

            jc.set("k1", "v2");
            Path mismatches = dir.resolve("m.txt");
            Result differ = verify(spec, "--mismatches", mismatches.toString(), "--max-ops", "100000");
            assertThat(differ.code).as(differ.out).isEqualTo(10);
            assertThat(differ.out).contains("b<->c db0 value \"k1\"", "verify: 1 differences");
            assertThat(Files.readAllLines(mismatches)).singleElement().asString().contains("b<->c db0 value \"k1\"");

            c.kill();
            Result unreachable = verify(spec);
            assertThat(unreachable.code).as(unreachable.out).isEqualTo(4);
            assertThat(unreachable.err).contains("c (127.0.0.1:" + c.port() + ")");
        } finally {
            c.close();
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result verify(Path spec, String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] args = new String[options.length + 2];
        args[0] = "verify";
        args[1] = spec.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
