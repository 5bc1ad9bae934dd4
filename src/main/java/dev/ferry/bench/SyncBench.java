package dev.ferry.bench;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.Confirmer;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.core.steps.SyncFromSource;
import dev.ferry.core.switching.NoSwitch;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/** ferry's "sync b from a" step against a bare REPLICAOF polled until synced, on the same dataset, alternately. */
final class SyncBench {
    private static final int PAIRS = 3;

    private SyncBench() {
    }

    static double ratio(int keys, PrintStream out) {
        RedisBinary bin = RedisBinary.system();
        try (RedisServer a = RedisServer.start(bin); RedisServer b = RedisServer.start(bin)) {
            try (Jedis ja = a.client(java.time.Duration.ofSeconds(60))) {
                Dataset.load(ja, keys, 7);
            }
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                long bare = bare(a, b);
                long ferry = ferry(a, b);
                ratios.add((double) ferry / bare);
                out.printf("sync %d keys: ferry %d ms, bare REPLICAOF %d ms%n", keys, ferry / 1_000_000, bare / 1_000_000);
            }
            ratios.sort(Double::compare);
            return Math.round(ratios.get(PAIRS / 2) * 1000) / 1000.0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long bare(RedisServer a, RedisServer b) {
        reset(b);
        try (Jedis jb = b.client(); Jedis ja = a.client()) {
            long start = System.nanoTime();
            jb.sendCommand(() -> "REPLICAOF".getBytes(), a.host(), Integer.toString(a.port()));
            long[] target = {-1};
            ByHand.poll(() -> {
                String repl = jb.info("replication");
                boolean ready = repl.contains("master_link_status:up") && jb.info("persistence").contains("loading:0");
                if (ready && target[0] < 0) {
                    target[0] = field(ja.info("replication"), "master_repl_offset");
                }
                return ready && field(repl, "slave_repl_offset") >= target[0] && target[0] >= 0;
            });
            return System.nanoTime() - start;
        }
    }

    private static long ferry(RedisServer a, RedisServer b) throws java.io.IOException {
        reset(b);
        Path dir = Files.createTempDirectory("ferry-syncbench");
        try {
            return ferryInto(dir, a, b);
        } finally {
            dev.ferry.testkit.Files2.deleteRecursively(dir); // the journal of a bench run is of no use afterwards
        }
    }

    private static long ferryInto(Path dir, RedisServer a, RedisServer b) {
        Spec spec = SpecLoader.parse("name: syncbench\nsource: { host: " + a.host() + ", port: " + a.port()
                + " }\ntarget: { host: " + b.host() + ", port: " + b.port() + " }\n", dir.resolve("bench.yaml"));
        try (Servers servers = Servers.of(spec, SecretSource.system(), Servers.clientNameFor("syncbench"))) {
            RunContext ctx = new RunContext(spec, servers, Journal.open(dir, "syncbench", Clock.systemUTC()),
                    new NoSwitch(), new RunOptions(true, false, dir, false), Confirmer.YES, RunListener.SILENT,
                    Clock.systemUTC());
            long start = System.nanoTime();
            new SyncFromSource().run(ctx);
            return System.nanoTime() - start;
        }
    }

    private static void reset(RedisServer b) {
        try (Jedis jb = b.client()) {
            jb.sendCommand(() -> "REPLICAOF".getBytes(), "NO", "ONE");
            jb.flushAll();
        }
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }
}
