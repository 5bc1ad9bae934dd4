package dev.ferry.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.generate.KeepalivedPair;
import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.Redactor;
import dev.ferry.testkit.NetnsBed;
import dev.ferry.testkit.NsKeepalived;
import dev.ferry.testkit.NsRedis;
import dev.ferry.testkit.RedisBinary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

@Tag("netns")
class NetnsBedIT {

    @BeforeAll
    static void needsNamespaces() {
        String why = NetnsBed.unavailableReason();
        assumeTrue(why.isEmpty(), why);
    }

    @Test
    void hostExecThroughIpNetnsExecKeepsTheCommandIntact() {
        try (NetnsBed bed = NetnsBed.create()) {
            HostExec a = new HostExec("a", bed.exec("a"), Duration.ofSeconds(5), Redactor.NONE);
            ExecResult r = a.shell("printf '%s|' \"it's\" '$HOME' '*' 'a;b'; ip -o addr show dev eth0");
            assertTrue(r.ok(), r::failure);
            assertTrue(r.stdout().startsWith("it's|$HOME|*|a;b|"), r.stdout());
            assertTrue(r.stdout().contains(" " + bed.address("a") + "/24"), "runs inside a's namespace: " + r.stdout());
        }
    }

    @Test
    void redisAndKeepalivedRunInsideAndEverythingGoesAway() {
        NetnsBed bed = NetnsBed.create();
        long redisPid;
        long keepalivedPid;
        try (bed) {
            NsRedis redis = bed.startRedis("a", RedisBinary.system(), Map.of());
            redisPid = redis.pid();
            try (Jedis j = redis.client()) {
                j.set("k", "v");
                assertEquals("v", j.get("k"));
            }
            KeepalivedPair pair = KeepalivedPair.defaults("VI_1", NetnsBed.IFACE, NetnsBed.VRID, bed.vip() + "/24");
            NsKeepalived ka = bed.startKeepalived("a", pair.source());
            bed.startKeepalived("b", pair.target());
            keepalivedPid = ka.pid();
            bed.awaitVip("a", Duration.ofSeconds(10));
            try (Jedis viaVip = new Jedis(bed.vip(), NsRedis.PORT, 2000)) {
                assertEquals("v", viaVip.get("k"));
            }
            ka.stop();
            Duration moved = bed.awaitVip("b", Duration.ofSeconds(10));
            System.out.println("VIP moved to b " + moved.toMillis() + "ms after a's keepalived stopped");
        }
        assertEquals(List.of(), bed.leftovers());
        assertFalse(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(ProcessHandle.of(keepalivedPid).map(ProcessHandle::isAlive).orElse(false));
    }
}
