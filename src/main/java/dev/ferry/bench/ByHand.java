package dev.ferry.bench;

import dev.ferry.testkit.Demo;
import dev.ferry.testkit.RedisServer;
import java.time.Duration;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;

/** The two cutovers an operator types by hand, run by the benchmark as baselines for ferry's modes. */
final class ByHand {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private ByHand() {
    }

    /** Replication a → b → c, waited for the way an operator would: until INFO says the link is up. */
    static void chain(Demo demo) {
        follow(demo.b(), demo.a());
        follow(demo.c(), demo.b());
    }

    /** A bare {@code FAILOVER TO b} on a, then the applications are repointed once it is done. */
    static Consumer<Demo> bareFailover() {
        return demo -> {
            chain(demo);
            try (Jedis a = demo.a().client()) {
                a.sendCommand(() -> "FAILOVER".getBytes(), "TO", demo.b().host(), Integer.toString(demo.b().port()));
                poll(() -> a.info("replication").contains("role:slave") && a.info("replication").contains("master_failover_state:no-failover"));
            }
            demo.repoint(demo.b());
        };
    }

    /** The seed procedure: writable replica, move the traffic, re-release the apps, watch 1 s, SLAVEOF NO ONE. */
    static Consumer<Demo> seed(Duration drain) {
        return demo -> {
            chain(demo);
            try (Jedis a = demo.a().client(); Jedis b = demo.b().client()) {
                b.configSet("slave-read-only", "no");
                demo.repoint(demo.b());
                a.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                        .type(redis.clients.jedis.args.ClientType.NORMAL).skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
                sleep(drain);
                b.sendCommand(() -> "SLAVEOF".getBytes(), "NO", "ONE");
                b.configSet("slave-read-only", "yes");
                a.sendCommand(() -> "SLAVEOF".getBytes(), demo.b().host(), Integer.toString(demo.b().port()));
            }
        };
    }

    private static void follow(RedisServer replica, RedisServer master) {
        try (Jedis r = replica.client(); Jedis m = master.client()) {
            r.sendCommand(() -> "SLAVEOF".getBytes(), master.host(), Integer.toString(master.port()));
            poll(() -> {
                String info = r.info("replication");
                return info.contains("master_link_status:up") && r.info("persistence").contains("loading:0");
            });
        }
    }

    static void poll(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("by-hand step did not finish within " + LIMIT.toSeconds() + "s");
            }
            sleep(Duration.ofMillis(2));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
