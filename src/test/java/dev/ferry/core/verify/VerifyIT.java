package dev.ferry.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.verify.Difference.Kind;
import dev.ferry.testkit.Dataset;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import dev.ferry.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ScanParams;

class VerifyIT {
    private static final int BIG = 1_000_000;
    private static final VerifyOptions QUICK = VerifyOptions.full().withRechecks(1, Duration.ofMillis(50));

    static Stream<RedisBinary> systemAnd304() {
        RedisBinary old = RedisBinary.shared("3.0.4");
        return old.isAvailable() ? Stream.of(RedisBinary.system(), old) : Stream.of(RedisBinary.system());
    }

    @Test
    void equalDataOfEveryTypeWithBigKeysMatches() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            Dataset.load(ja, 300, 7);
            Dataset.loadInto(ja, 2, 50, 9);
            bigKeys(a);
            copy(ja, jb);
            // same content, other insertion order: DUMP payloads differ, the typed compare must call them equal
            ja.hset("order:hash", Map.of("f1", "1"));
            ja.hset("order:hash", Map.of("f2", "2"));
            jb.hset("order:hash", Map.of("f2", "2"));
            jb.hset("order:hash", Map.of("f1", "1"));
            ja.sadd("order:set", "x", "y", "z");
            jb.sadd("order:set", "z", "y", "x");
            assertThat(ja.dump("order:hash")).isNotEqualTo(jb.dump("order:hash"));

            long started = System.nanoTime();
            PairResult r = verify(a, b, QUICK);
            assertThat(r.differences()).as(r.shown().toString()).isZero();
            assertThat(r.perType()).containsKeys("string", "list", "hash", "set", "zset", "stream");
            assertThat(r.keys()).isEqualTo(ja.dbSize() + 50);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        }
    }

    @ParameterizedTest
    @MethodSource("systemAnd304")
    void everyKindOfDifferenceIsFoundInBothDirections(RedisBinary bin) throws Exception {
        for (boolean onLeft : new boolean[] {true, false}) {
            try (RedisServer a = RedisServer.start(bin); RedisServer b = RedisServer.start(bin);
                    Jedis ja = a.client(); Jedis jb = b.client()) {
                Dataset.load(ja, 200, 7);
                ja.hmset("big:hash", bigHash());
                copy(ja, jb);
                Jedis changed = onLeft ? ja : jb;
                String string = someKey(ja, "string", 0);
                changed.setrange(string, 3, "\u0001");
                String ttl = someKey(ja, "string", 1);
                changed.persist(ttl);
                changed.pexpire(ttl, 3_600_000);
                String type = someKey(ja, "list", 0);
                changed.del(type);
                changed.set(type, "now a string");
                String missing = someKey(ja, "set", 0);
                changed.del(missing);
                changed.hset("big:hash", "f777", "other");

                PairResult r = verify(a, b, QUICK);
                Map<String, Kind> found = r.shown().stream()
                        .collect(Collectors.toMap(Difference::key, Difference::kind));
                assertThat(found).as(bin + (onLeft ? " changed on a" : " changed on b")).containsExactlyInAnyOrderEntriesOf(Map.of(
                        q(string), Kind.VALUE, q(ttl), Kind.TTL, q(type), Kind.TYPE,
                        q(missing), onLeft ? Kind.MISSING_ON_LEFT : Kind.MISSING_ON_RIGHT, q("big:hash"), Kind.VALUE));
                assertThat(r.differences()).isEqualTo(5);
            }
        }
    }

    @Test
    void missingKeysInEveryDatabaseAreListedInTheMismatchFile(@TempDir Path dir) throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client()) {
            Dataset.loadInto(ja, 0, 40, 1);
            Dataset.loadInto(ja, 5, 30, 1);
            Path file = dir.resolve("mismatches.txt");
            PairResult r = verify(a, b, QUICK.withMismatchFile(file));
            assertThat(r.differences()).isEqualTo(70);
            assertThat(r.shown()).hasSize(QUICK.shown());
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).hasSize(70).allMatch(l -> l.contains("missing-on-right"));
            assertThat(lines).anyMatch(l -> l.contains(" db5 "));
        }
    }

    @Test
    void liveWritesToAMasterAndItsReplicaAreNoDifference() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            Dataset.load(ja, 20_000, 3);
            jb.replicaof(a.host(), a.port());
            awaitInSync(ja, jb);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong overwrites = new AtomicLong();
            Thread overwriter = new Thread(() -> overwrite(a, stop, overwrites));
            Writers writers = new Writers(Writers.Config.builder().endpoint(a.hostAndPort()).writers(4)
                    .ratePerWriter(500).maxDuration(Duration.ofSeconds(60)).build());
            try (writers) {
                writers.start();
                overwriter.start();
                writers.awaitAcknowledged(500, Duration.ofSeconds(10));
                PairResult r = verify(a, b, VerifyOptions.full());
                assertThat(r.differences()).as(r.shown().toString()).isZero();
                assertThat(r.keys()).isGreaterThan(20_000);
                assertThat(r.reverse()).as("keys written meanwhile may be on b only: b must be scanned").isEqualTo("ran");
            } finally {
                stop.set(true);
                overwriter.join(5000);
            }
            assertThat(writers.acknowledged()).isGreaterThan(500);
            assertThat(overwrites.get()).isGreaterThan(100);
        }
    }

    @Test
    void theReversePassIsSparedOnlyWhenTheForwardPassProvedBHoldsNoOtherKey() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            loadBoth(ja, jb, 2000);
            // the skip needs proof that nothing moved during the forward pass; a key of the data set expiring in it,
            // or a SCAN that met a rehash and returned a key twice, rightly makes verify run the reverse pass too:
            // a few tries show that it does skip when the proof holds
            PairResult same = verify(a, b, QUICK);
            for (int tries = 1; tries < 4 && !"skipped".equals(same.reverse()); tries++) {
                same = verify(a, b, QUICK);
            }
            assertThat(same.matches()).isTrue();
            assertThat(same.reverse()).isEqualTo("skipped");

            // the same key count on both sides, but one key swapped for another: only the reverse pass finds it
            String swapped = jb.randomKey();
            jb.rename(swapped, "only-on-b");
            PairResult r = verify(a, b, QUICK);
            assertThat(r.reverse()).isEqualTo("ran");
            assertThat(r.shown()).extracting(Difference::key, Difference::kind).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(q(swapped), Kind.MISSING_ON_RIGHT),
                    org.assertj.core.groups.Tuple.tuple(q("only-on-b"), Kind.MISSING_ON_LEFT));
        }
    }

    @Test
    void renamedCommandsAreSentUnderTheirNewNamesAndAnUnmappedOneMeansCouldNotVerify() throws Exception {
        // one config line per rename: the testkit writes "key value" lines, so the second rides on the first
        Map<String, String> renamedOnA = Map.of("rename-command", "SCAN XSCAN\nrename-command PTTL XPTTL");
        Map<String, String> renamedOnB = Map.of("rename-command", "GETRANGE XGETRANGE\nrename-command DUMP \"\"");
        try (RedisServer a = RedisServer.start(RedisBinary.system(), renamedOnA);
                RedisServer b = RedisServer.start(RedisBinary.system(), renamedOnB);
                Jedis ja = a.client(); Jedis jb = b.client()) {
            loadBoth(ja, jb, 300);
            String changed = someKey(jb, "string", 0); // SCAN is renamed on a
            jb.setrange(changed, 0, "~");
            try (RedisNode left = new RedisNode("a", a.host(), a.port(), Optional.empty(), "ferry-test", 5000,
                    Map.of("SCAN", "XSCAN", "PTTL", "XPTTL"));
                    RedisNode right = new RedisNode("b", b.host(), b.port(), Optional.empty(), "ferry-test", 5000,
                            Map.of("GETRANGE", "XGETRANGE"))) {
                PairResult r = new Verifier(QUICK).verify(List.of(List.of(left, right))).pairs().get(0);
                assertThat(r.shown()).as("DUMP disabled on b: small collections compared by type alone")
                        .extracting(Difference::key, Difference::kind)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(q(changed), Kind.VALUE));
                assertThat(r.keys()).isEqualTo(ja.dbSize());
            }
            assertThatThrownBy(() -> verify(a, b, QUICK)).isInstanceOf(FerryException.class)
                    .hasMessageContaining("refused SCAN").hasMessageContaining("rename:")
                    .satisfies(e -> assertThat(((FerryException) e).code()).isEqualTo(ExitCode.CONNECTION));
        }
    }

    @Test
    void consumerGroupsOfAStreamAreCompared() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            for (int i = 0; i < 20; i++) {
                ja.xadd("events", redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("n", Integer.toString(i)));
            }
            ja.xgroupCreate("events", "workers", new redis.clients.jedis.StreamEntryID(), false);
            ja.xreadGroup("workers", "w1", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(5),
                    Map.of("events", redis.clients.jedis.StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            copy(ja, jb);
            assertThat(verify(a, b, QUICK).matches()).as("groups, pending entries and ids replicated alike").isTrue();

            String delivered = jb.xpending("events", "workers").getMinId().toString();
            jb.xack("events", "workers", new redis.clients.jedis.StreamEntryID(delivered));
            PairResult r = verify(a, b, QUICK);
            assertThat(r.shown()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Kind.VALUE);
                assertThat(d.detail()).contains("consumer groups differ").contains("pending=5").contains("pending=4");
            });
        }
    }

    @Test
    void withoutAnyTtlInADatabaseATtlOnOneSideAndEmptyOrMissingStringsAreStillTold() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            for (Jedis j : List.of(ja, jb)) {
                for (int i = 0; i < 50; i++) {
                    j.set("s" + i, "v" + i);
                }
                j.set("empty", "");
                j.rpush("list", "x");
            }
            ja.set("empty-on-a-only", "");
            jb.expire("s7", 3600);
            PairResult r = verify(a, b, QUICK);
            assertThat(r.shown()).extracting(Difference::key, Difference::kind).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(q("s7"), Kind.TTL),
                    org.assertj.core.groups.Tuple.tuple(q("empty-on-a-only"), Kind.MISSING_ON_RIGHT));
            assertThat(r.perType()).containsEntry("string", 52L).containsEntry("list", 1L);
        }
    }

    @Test
    void aByteDeepInABigStringIsFoundAndPlaced() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            byte[] value = new byte[3 * 1024 * 1024 + 17];
            new java.util.Random(5).nextBytes(value);
            ja.set("big:string".getBytes(), value);
            value[2_500_000] ^= 1;
            jb.set("big:string".getBytes(), value);
            PairResult r = verify(a, b, QUICK);
            assertThat(r.shown()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(Kind.VALUE);
                assertThat(d.detail()).isEqualTo("strings differ at byte 2500000");
            });
        }
    }

    @Test
    void anUnreachableServerMeansCouldNotVerify() {
        RedisServer a = RedisServer.start(RedisBinary.system());
        try (RedisServer b = RedisServer.start(RedisBinary.system())) {
            a.kill();
            assertThatThrownBy(() -> verify(a, b, QUICK)).isInstanceOf(FerryException.class)
                    .satisfies(e -> assertThat(((FerryException) e).code()).isEqualTo(ExitCode.CONNECTION));
        } finally {
            a.close();
        }
    }

    @Test
    void aSampleComparesAboutThatManyKeys() throws Exception {
        try (RedisServer a = RedisServer.start(RedisBinary.system()); RedisServer b = RedisServer.start(RedisBinary.system());
                Jedis ja = a.client(); Jedis jb = b.client()) {
            loadBoth(ja, jb, 5000);
            PairResult r = verify(a, b, QUICK.withSample(300));
            assertThat(r.keys()).isBetween(300L, 301L);
            assertThat(r.matches()).isTrue();
            assertThat(r.mode()).isEqualTo("sample 300");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static PairResult verify(RedisServer a, RedisServer b, VerifyOptions options) {
        try (RedisNode left = node("a", a); RedisNode right = node("b", b)) {
            return new Verifier(options).verify(List.of(List.of(left, right))).pairs().get(0);
        }
    }

    static RedisNode node(String label, RedisServer s) {
        return new RedisNode(label, s.host(), s.port(), Optional.empty(), "ferry-test", 5000, Map.of());
    }

    /** The same data on both: loaded on a, copied to b by replication (stream ids are made by the server). */
    private static void loadBoth(Jedis ja, Jedis jb, int keys) throws InterruptedException {
        Dataset.load(ja, keys, 7);
        copy(ja, jb);
    }

    private static void copy(Jedis ja, Jedis jb) throws InterruptedException {
        String port = ja.configGet("port").values().iterator().next();
        jb.sendCommand(Protocol.Command.SLAVEOF, "127.0.0.1", port);
        awaitInSync(ja, jb);
        jb.sendCommand(Protocol.Command.SLAVEOF, "NO", "ONE");
    }

    /** A key of {@code type} from the data set (which type the n-th key gets depends on the server version). */
    private static String someKey(Jedis j, String type, int skip) {
        List<String> keys = j.scan("0", new ScanParams().match("data:" + type + ":*").count(10_000)).getResult();
        return keys.stream().sorted().skip(skip).findFirst().orElseThrow();
    }

    private static String q(String key) {
        return "\"" + key + "\"";
    }

    private static Map<String, String> bigHash() {
        return java.util.stream.IntStream.range(0, 2000).boxed()
                .collect(Collectors.toMap(i -> "f" + i, i -> "v" + i));
    }

    /** One key per collection type with a million elements, built by a script (fast: no round trips). */
    private static void bigKeys(RedisServer a) {
        // variadic calls of 1000 elements: a million single calls would take several seconds
        String script = "for c = 0, tonumber(ARGV[1]) / 1000 - 1 do "
                + "local l, h, s, z = {}, {}, {}, {} "
                + "for j = 1, 1000 do local i = c * 1000 + j "
                + "l[#l + 1] = i h[#h + 1] = 'f' .. i h[#h + 1] = i s[#s + 1] = 'm' .. i "
                + "z[#z + 1] = i / 7 z[#z + 1] = 'm' .. i redis.call('XADD', 'big:stream', '*', 'n', i) end "
                + "redis.call('RPUSH', 'big:list', unpack(l)) redis.call('HSET', 'big:hash', unpack(h)) "
                + "redis.call('SADD', 'big:set', unpack(s)) redis.call('ZADD', 'big:zset', unpack(z)) end return 1";
        try (Jedis slow = a.client(Duration.ofSeconds(120))) {
            slow.eval(script, 0, Integer.toString(BIG));
            slow.set("big:string".getBytes(), new byte[3 * 1024 * 1024 + 17]);
        }
    }

    private static void awaitInSync(Jedis master, Jedis replica) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            String info = replica.info("replication");
            if (info.contains("master_link_status:up") && replica.dbSize() == master.dbSize()
                    && keyspace(replica).equals(keyspace(master))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("replica did not sync: " + replica.info("replication"));
    }

    /** Keys per database; avg_ttl is an estimate that differs between master and replica. */
    private static String keyspace(Jedis j) {
        return j.info("keyspace").replaceAll(",avg_ttl=\\d+", "");
    }

    /** Overwrites a few hot keys of every kind as fast as it can, for at most 60 s. */
    private static void overwrite(RedisServer a, AtomicBoolean stop, AtomicLong count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Jedis j = a.client()) {
            for (long i = 0; !stop.get() && System.nanoTime() < deadline && i < 10_000_000; i++) {
                String n = Long.toString(i);
                j.set("hot:s" + (i % 50), n);
                j.hset("hot:h" + (i % 10), "f" + (i % 7), n);
                j.sadd("hot:set", "m" + (i % 1000));
                j.zadd("hot:z", i, "m" + (i % 100));
                count.incrementAndGet();
            }
        }
    }
}
