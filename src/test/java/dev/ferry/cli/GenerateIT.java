package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** ferry generate on real output: keepalived accepts its configs, redis-server starts from the cloned config. */
class GenerateIT {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertEquals(0, code, out + "\n" + err);
        return out.toString();
    }

    @Test
    void keepalivedAcceptsBothGeneratedConfigs() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v keepalived").start().waitFor() == 0, "keepalived missing");
        // keepalived -t wants an interface that exists and is not loopback
        String iface;
        try (var names = Files.list(Path.of("/sys/class/net"))) {
            iface = names.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lo")).sorted().findFirst().orElse("");
        }
        assumeTrue(!iface.isEmpty(), "no network interface but lo");
        Path handover = Files.writeString(dir.resolve("handover"), "0\n");
        run("generate", "keepalived", "--vip", "198.18.7.100/24", "--interface", iface, "--handover-file",
                handover.toString(), "--out", dir.toString());
        assertTrue(Files.readString(dir.resolve("keepalived-a.conf")).contains("track_file {"));
        for (String name : new String[] {"keepalived-a.conf", "keepalived-b.conf"}) {
            Process check = new ProcessBuilder("keepalived", "-t", "-f", dir.resolve(name).toString())
                    .redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes());
            assertTrue(check.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, check.exitValue(), name + ": " + output);
        }
    }

    @Test
    void redisStartsFromTheClonedConfigWithASettings() throws IOException, InterruptedException {
        try (RedisServer a = RedisServer.start(RedisBinary.system())) {
            try (Jedis j = a.client()) {
                j.configSet("maxmemory-policy", "allkeys-lru");
                j.configSet("hz", "17");
            }
            Path spec = dir.resolve("spec.yaml");
            Files.writeString(spec, "name: gen\nsource: { host: " + a.host() + ", port: " + a.port() + " }\n"
                    + "target: { host: 127.0.0.1, port: 1 }\n");
            run("generate", "redis-conf", spec.toString(), "--out", dir.toString());
            String conf = Files.readString(dir.resolve("redis.conf"));
            assertTrue(conf.contains("# ferry: per host, a has: port " + a.port()), conf);
            int port = freePort();
            Process b = new ProcessBuilder(RedisBinary.system().path().toString(), dir.resolve("redis.conf").toString(),
                    "--port", Integer.toString(port), "--dir", dir.toString(), "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("b.log").toFile()).start();
            try {
                String policy = awaitConfig(port, "maxmemory-policy", b);
                assertEquals("allkeys-lru", policy, Files.readString(dir.resolve("b.log")));
                try (Jedis jb = new Jedis("127.0.0.1", port)) {
                    assertEquals("17", jb.configGet("hz").get("hz"));
                }
            } finally {
                b.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String awaitConfig(int port, String key, Process b) throws InterruptedException, IOException {
        for (int i = 0; i < 100 && b.isAlive(); i++) {
            try (Jedis jb = new Jedis("127.0.0.1", port)) {
                return jb.configGet(key).get(key);
            } catch (RuntimeException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not start from the generated config (alive " + b.isAlive() + ")");
    }
}
