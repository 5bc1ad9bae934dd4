package dev.ferry.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.journal.RunStatus;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.NsRedis;
import dev.ferry.testkit.VipDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** ferry run with the keepalived switch on the seed's topology in namespaces, writers through the VIP. */
@Tag("netns")
class KeepalivedSwitchIT {
    /**
     * The longest gap a writer may see with the fast hand-over. The bench's goal is 300 ms; a test on a machine shared
     * with other work gets twice that, which still fails on what it guards against: a client waiting for its kernel's
     * 1 s SYN retry because no host answered the VIP for a moment.
     */
    private static final Duration FAST_LONGEST_GAP = Duration.ofMillis(600);
    /** A SYN to the VIP answered later than this was sent again by the client's kernel (it retries after 1 s). */
    private static final Duration SYN_RETRY = Duration.ofMillis(1000);
    private static final DemoConfig SMALL = DemoConfig.defaults().withKeys(2000).withWriters(4, 200);
    private static final int TLS_PORT = 6380;

    @BeforeAll
    static void needsNamespaces() {
        String why = dev.ferry.testkit.NetnsBed.unavailableReason();
        assumeTrue(why.isEmpty(), why);
    }

    /**
     * The fast hand-over: a's instance is put in FAULT, b takes the VIP after its skew time. While it does, a holds a
     * copy of the VIP on lo behind a TCP-reset rule, so every packet that still reaches a's MAC is answered at once.
     * Writers that reconnect at once and writers that open a connection per request (a SYN every few ms) see no gap
     * over 600 ms (the bench measures it against 300 ms), no SYN to the VIP waits for the client's 1 s retry, and
     * everything ferry changed on a's host for the hand-over is undone.
     */
    @Test
    void vipMovesThroughFaultWithEveryClientAnsweredAtOnce() throws Exception {
        assumeTrue(dev.ferry.testkit.SynCapture.available() || System.getenv("CI") == null,
                "tcpdump is not installed (apt-get install tcpdump): the SYN capture cannot run");
        dev.ferry.testkit.NetnsBed bed;
        try (VipDemo demo = new VipDemo(SMALL, true)) {
            bed = demo.bed();
            demo.start(System.out::println);
            Path specFile = demo.writeSpec(Duration.ofSeconds(15));
            String sysctlsBefore = arpSysctls(demo);
            demo.startWriters();
            RunListener resetAtCutover = new RunListener() {
                @Override
                public void stepStarted(String step) {
                    if (step.equals(dev.ferry.core.cutover.Cutover.NAME)) {
                        demo.allWriters().forEach(dev.ferry.testkit.Writers::resetLongestGap);
                    }
                }
            };
            dev.ferry.testkit.SynCapture capture = dev.ferry.testkit.SynCapture.available()
                    ? dev.ferry.testkit.SynCapture.start(bed.clientInterface(), bed.vip(), NsRedis.PORT) : null;
            dev.ferry.core.run.RunResult run;
            try {
                run = demo.runFerry(specFile, resetAtCutover);
                Thread.sleep(1000);
            } finally {
                if (capture != null) {
                    capture.stop();
                }
            }
            Duration gap = demo.longestGap();
            demo.stopWriters();
            DemoResult result = demo.verdict(dev.ferry.core.spec.SpecLoader.load(specFile), run);
            System.out.println("VIP fast run: " + result.report().get("cutover") + " " + result.report().get("writers")
                    + " longest gap since the cutover " + gap.toMillis() + "ms"
                    + (capture == null ? " (no capture)" : ", capture " + capture.result()));
            assertEquals(RunStatus.COMPLETED, result.run().status(), () -> String.valueOf(result.report()));
            assertEquals(0, result.lost(), "acknowledged writes lost");
            assertEquals(0, demo.lostOn("b"), "acknowledged writes of either kind missing on b");
            assertTrue(demo.bed().holdsVip("b") && !demo.bed().holdsVip("a"), "VIP on b only");
            assertTrue(gap.compareTo(FAST_LONGEST_GAP) <= 0, "a writer waited " + gap.toMillis() + "ms: "
                    + demo.writers().stats().summary() + " / " + demo.perRequestWriters().stats().summary());
            if (capture != null) {
                dev.ferry.testkit.SynCapture.Result syn = capture.result();
                assertTrue(syn.syns() > 100, "the capture saw the per-request writers' SYNs: " + syn);
                assertTrue(syn.longestWaitMillis() < SYN_RETRY.toMillis(), "a SYN waited for its retry: " + syn);
            }
            assertTrue(gateRules(demo).isEmpty(), "a's reset rule removed: " + gateRules(demo));
            assertFalse(Files.exists(Path.of(demo.keepalived("a").config() + ".ferry-hold")), "hold undone");
            assertFalse(loAddresses(demo).contains(bed.vip()), "the VIP's copy on a's lo removed: " + loAddresses(demo));
            assertEquals(sysctlsBefore, arpSysctls(demo), "a's arp_ignore/arp_announce restored");
            Object switchMillis = ((java.util.Map<?, ?>) result.report().get("cutover")).get("switchMillis");
            assertTrue(Long.parseLong(String.valueOf(switchMillis)) < 1500, "VIP move took " + switchMillis + "ms");
            assertEquals("0", Files.readString(demo.bed().dir().resolve("handover-a")).strip(), "a released from FAULT");
            assertTrue(Files.readString(demo.keepalived("a").config()).contains("priority 253"));
        }
        assertNoLeftovers(bed);
    }

    /**
     * TLS servers (ferry speaks to them on their tls-port only): the switch's "the VIP answers as b" probe must speak
     * TLS to the VIP like ferry does to b. Without it the probe never hears b and the run stops after b's promotion.
     */
    @Test
    void vipInFrontOfTlsServersIsSeenToAnswerAsB(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        dev.ferry.testkit.NetnsBed bed;
        dev.ferry.safety.TlsFiles tls = dev.ferry.safety.TlsFiles.create(dir);
        Map<String, String> serverConfig = new java.util.HashMap<>(tls.serverConfig("no"));
        serverConfig.put("tls-port", Integer.toString(TLS_PORT));
        try (VipDemo demo = new VipDemo(SMALL.withServerConfig(serverConfig), true)) {
            bed = demo.bed();
            demo.start(System.out::println);
            Path spec = demo.writeSpec(Duration.ofSeconds(15), TLS_PORT, "tls: { ca-file: "
                    + tls.file(dev.ferry.safety.TlsFiles.CA) + ", server-name: localhost }");
            demo.startWriters();
            dev.ferry.core.run.RunResult run = demo.runFerry(spec, RunListener.SILENT);
            demo.stopWriters();
            DemoResult result = demo.verdict(dev.ferry.core.spec.SpecLoader.load(spec), run);
            System.out.println("VIP TLS run: " + result.report().get("cutover") + " " + result.report().get("writers"));
            assertEquals(RunStatus.COMPLETED, run.status(), () -> String.valueOf(result.report()));
            assertEquals(0, result.lost(), "acknowledged writes lost");
            assertTrue(demo.bed().holdsVip("b") && !demo.bed().holdsVip("a"), "VIP on b only");
            assertTrue(String.valueOf(result.report().get("cutover")).contains("switchMillis"), "VIP move time reported");
            assertRole(demo.redis("b"), "master");
        }
        assertNoLeftovers(bed);
    }

    /** The plain hand-over of seed step 6: priorities swapped, both reloaded, b waits for its master-down timer. */
    @Test
    void vipMovesToBWithNothingLost() throws Exception {
        dev.ferry.testkit.NetnsBed bed;
        try (VipDemo demo = new VipDemo(SMALL, false)) {
            bed = demo.bed();
            DemoResult result = demo.run(RunListener.SILENT, System.out::println);
            System.out.println("VIP run: " + result.report());
            assertEquals(RunStatus.COMPLETED, result.run().status(), () -> String.valueOf(result.report()));
            assertEquals(0, result.lostOnB().lost(), "acknowledged writes lost on b");
            assertEquals(0, result.lostOnC().lost(), "acknowledged writes lost on c");
            assertTrue(demo.bed().holdsVip("b") && !demo.bed().holdsVip("a"), "VIP on b only");
            assertTrue(result.writers().longestGap().compareTo(VipDemo.SOCKET_TIMEOUT) < 0,
                    "a writer hung until its socket timeout: " + result.writers().summary());
            assertTrue(String.valueOf(result.report()).contains("switchMillis"), "VIP move time reported");
            assertRole(demo.redis("b"), "master");
            assertRole(demo.redis("c"), "slave");
            assertRole(demo.redis("a"), "slave");
            String aConf = Files.readString(demo.keepalived("a").config());
            String bConf = Files.readString(demo.keepalived("b").config());
            assertTrue(aConf.contains("priority 253") && bConf.contains("priority 254"), aConf + "\n" + bConf);
            assertTrue(Files.exists(Path.of(demo.keepalived("a").config() + ".ferry-backup")), "a's original kept");
        }
        assertNoLeftovers(bed);
    }

    /** Rollback after a completed run: fenced switch-back, the original keepalived configs back, the VIP on a. */
    @Test
    void rollbackPutsTheVipAndTheConfigsBackWithNothingLost() throws Exception {
        dev.ferry.testkit.NetnsBed bed;
        // the fast hand-over both ways: with the plain priority swap no host holds the VIP for ~3.5 s, and a SYN sent
        // early in that window is retried by the client's kernel after 1 s and then 3 s more, past the writers' 5 s
        // socket timeout (seen once in CI: a 6,987 ms gap made of 494 failed connects), which is the swap's outage
        // (the client-gap issue), not a hung writer
        try (VipDemo demo = new VipDemo(SMALL, true)) {
            bed = demo.bed();
            demo.start(System.out::println);
            Path specFile = demo.writeSpec(Duration.ofSeconds(15));
            String aOriginal = Files.readString(demo.keepalived("a").config());
            String bOriginal = Files.readString(demo.keepalived("b").config());
            dev.ferry.testkit.Writers writers = demo.startWriters();
            assertEquals(RunStatus.COMPLETED, demo.runFerry(specFile, RunListener.SILENT).status());
            assertTrue(demo.bed().holdsVip("b") && !demo.bed().holdsVip("a"), "VIP on b after the run");
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(15));
            demo.rollback(specFile, RunListener.SILENT);
            writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(15));
            demo.stopWriters();
            assertTrue(demo.bed().holdsVip("a") && !demo.bed().holdsVip("b"), "VIP back on a only");
            assertRole(demo.redis("a"), "master");
            assertRole(demo.redis("b"), "slave");
            assertEquals(aOriginal, Files.readString(demo.keepalived("a").config()), "a's original config back");
            assertEquals(bOriginal, Files.readString(demo.keepalived("b").config()), "b's original config back");
            assertEquals(0, demo.lostOn("a"), "acknowledged writes of either kind missing on a");
            assertTrue(demo.longestGap().compareTo(VipDemo.SOCKET_TIMEOUT) < 0,
                    "a writer hung until its socket timeout: " + writers.stats().summary());
            // the way back was the same hand-over: b held the VIP on lo behind a reset rule, and that is undone
            assertFalse(Files.exists(Path.of(demo.keepalived("b").config() + ".ferry-hold")), "b's hold undone");
            assertEquals("0", Files.readString(demo.bed().dir().resolve("handover-b")).strip(), "b released from FAULT");
        }
        assertNoLeftovers(bed);
    }

    @Test
    void targetKeepalivedNotRunningFailsPreflightAndChangesNothing() {
        try (VipDemo demo = new VipDemo(SMALL.withKeys(100))) {
            demo.start(System.out::println);
            Path spec = demo.writeSpec(Duration.ofSeconds(10));
            demo.keepalived("b").stop();
            FerryException e = assertThrows(FerryException.class, () -> demo.runFerry(spec, RunListener.SILENT));
            assertEquals(ExitCode.PREFLIGHT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("keepalived does not run on b's host"), e.getMessage());
            assertRole(demo.redis("a"), "master");
            assertTrue(demo.bed().holdsVip("a"));
        }
    }

    /**
     * b's keepalived hangs (SIGSTOP) during a fast hand-over: a gives the VIP up, nobody takes it; ferry stops forward
     * after the timeout, b keeps every write, and restore puts a's config back and releases a from FAULT.
     */
    @Test
    void vipThatDoesNotMoveStopsForwardWithNothingLostAndRestoreRevertsTheConfigs() throws Exception {
        try (VipDemo demo = new VipDemo(SMALL.withKeys(100), true)) {
            demo.start(System.out::println);
            Path spec = demo.writeSpec(Duration.ofSeconds(6));
            String aOriginal = Files.readString(demo.keepalived("a").config());
            demo.keepalived("b").freeze();
            demo.startWriters();
            FerryException e = assertThrows(FerryException.class, () -> demo.runFerry(spec, RunListener.SILENT));
            demo.stopWriters();
            System.out.println("VIP stuck: " + e.getMessage());
            assertEquals(ExitCode.INCOMPLETE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("VIP " + demo.bed().vip() + " is on neither host"), e.getMessage());
            assertTrue(e.getMessage().contains("held in FAULT"), e.getMessage());
            assertBMasterWithEveryWrite(demo);
            new dev.ferry.core.switching.keepalived.KeepalivedSwitch(
                    dev.ferry.core.switching.keepalived.KeepalivedSettings.from(
                            dev.ferry.core.spec.SpecLoader.load(spec), dev.ferry.core.host.Redactor.NONE),
                    null, dev.ferry.core.switching.keepalived.KeepalivedSwitch.Order.DEMOTE_FIRST).restoreBackups();
            assertEquals(aOriginal, Files.readString(demo.keepalived("a").config()), "a's config restored");
            assertFalse(Files.exists(Path.of(demo.keepalived("a").config() + ".ferry-backup")));
            assertEquals("0", Files.readString(demo.bed().dir().resolve("handover-a")).strip(), "a released from FAULT");
        }
    }

    /**
     * b's VRRP packets dropped both ways from the start of the cutover (after preflight, which would see b take the
     * VIP): with the plain priority swap b never hears a and a never hears b, so the VIP stays on a or ends up on
     * both. ferry stops forward with exit 8: b is master with every acknowledged write, the configs keep b's higher
     * priority (the originals in their backups), and the message says where the VIP is and what to fix.
     */
    @Test
    void vipThatDoesNotMoveBecauseBsVrrpIsDroppedStopsForwardAfterPromotion() throws Exception {
        dev.ferry.testkit.NetnsBed bed;
        try (VipDemo demo = new VipDemo(SMALL.withKeys(100), false)) {
            bed = demo.bed();
            demo.start(System.out::println);
            Path spec = demo.writeSpec(Duration.ofSeconds(6));
            String aOriginal = Files.readString(demo.keepalived("a").config());
            demo.startWriters();
            RunListener dropAtCutover = new RunListener() {
                @Override
                public void stepStarted(String step) {
                    if (step.equals(dev.ferry.core.cutover.Cutover.NAME)) {
                        vrrp(demo, "-I", "INPUT");
                        vrrp(demo, "-I", "OUTPUT");
                    }
                }
            };
            try {
                FerryException e = assertThrows(FerryException.class, () -> demo.runFerry(spec, dropAtCutover));
                demo.stopWriters();
                System.out.println("VIP blocked: " + e.getMessage() + " " + demo.writers().stats().summary());
                assertEquals(ExitCode.INCOMPLETE, e.code(), e.getMessage());
                String vip = "VIP " + demo.bed().vip() + " is ";
                assertTrue(e.getMessage().contains(vip + "on both a's and b's hosts")
                        || e.getMessage().contains(vip + "still on a's host"), e.getMessage());
                assertTrue(e.getMessage().contains("b's VRRP packets, IP protocol 112, dropped"), e.getMessage());
                assertTrue(e.getMessage().contains("b is master and holds every acknowledged write"), e.getMessage());
                assertTrue(e.getMessage().contains("originals in *.ferry-backup"), e.getMessage());
                assertTrue(demo.bed().holdsVip("a"), "a never heard b: it keeps the VIP");
                assertRole(demo.redis("a"), "slave");
                assertBMasterWithEveryWrite(demo);
                // after b's promotion the configs stay as the switch left them, the originals beside them
                assertTrue(Files.readString(demo.keepalived("b").config()).contains("priority 254"));
                assertEquals(aOriginal, Files.readString(Path.of(demo.keepalived("a").config() + ".ferry-backup")));
            } finally {
                vrrp(demo, "-D", "INPUT");
                vrrp(demo, "-D", "OUTPUT");
            }
            assertEquals("", vrrpRules(demo), "the test's DROP rules removed");
        }
        assertNoLeftovers(bed);
    }

    /**
     * b's outgoing adverts dropped, fast hand-over: b takes the VIP after a's priority-0 advert, but a, released from
     * FAULT, never hears b and takes the VIP back after its master-down timer. ferry watches for that, puts a back
     * in FAULT and stops with exit 8 naming the cause, instead of reporting success with the VIP on both hosts.
     */
    @Test
    void vipTakenBackByAWhoCannotHearBIsCaughtAndAPutBackInFault() throws Exception {
        dev.ferry.testkit.NetnsBed bed;
        try (VipDemo demo = new VipDemo(SMALL.withKeys(100), true)) {
            bed = demo.bed();
            demo.start(System.out::println);
            Path spec = demo.writeSpec(Duration.ofSeconds(6));
            demo.startWriters();
            // b still hears a, so it stays backup and preflight sees the VIP on a only
            vrrp(demo, "-I", "OUTPUT");
            try {
                long start = System.nanoTime();
                FerryException e = assertThrows(FerryException.class, () -> demo.runFerry(spec, RunListener.SILENT));
                demo.stopWriters();
                System.out.println("VIP taken back: " + (System.nanoTime() - start) / 1_000_000 + "ms: " + e.getMessage()
                        + " " + demo.writers().stats().summary());
                assertEquals(ExitCode.INCOMPLETE, e.code(), e.getMessage());
                assertTrue(e.getMessage().contains("came back to a's host"), e.getMessage());
                assertTrue(e.getMessage().contains("b's VRRP adverts do not reach a"), e.getMessage());
                assertTrue(e.getMessage().contains("the VIP is on b only"), e.getMessage());
                assertTrue(demo.bed().holdsVip("b") && !demo.bed().holdsVip("a"), "VIP on b only");
                assertEquals("1", Files.readString(demo.bed().dir().resolve("handover-a")).strip(), "a back in FAULT");
                assertBMasterWithEveryWrite(demo);
                assertTrue(gateRules(demo).isEmpty(), "a's DROP rule removed: " + gateRules(demo));
            } finally {
                vrrp(demo, "-D", "OUTPUT");
            }
            assertEquals("", vrrpRules(demo), "the test's DROP rule removed");
        }
        assertNoLeftovers(bed);
    }

    /** Inserts (-I) or deletes (-D) a DROP rule for VRRP (IP protocol 112) in a chain of b's namespace. */
    private static void vrrp(VipDemo demo, String op, String chain) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", demo.bed().netns("b"), "iptables", "-w", op, chain,
                    "-p", "112", "-j", "DROP").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), "iptables " + op + " " + chain + ": " + out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String vrrpRules(VipDemo demo) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", demo.bed().netns("b"), "iptables", "-S").start();
        String rules = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return rules.lines().filter(l -> l.contains("-p 112") || l.contains("-p vrrp"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static String arpSysctls(VipDemo demo) throws Exception {
        return inA(demo, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_ignore", "/proc/sys/net/ipv4/conf/eth0/arp_announce");
    }

    private static String loAddresses(VipDemo demo) throws Exception {
        return inA(demo, "ip", "-o", "addr", "show", "dev", "lo");
    }

    private static String inA(VipDemo demo, String... argv) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", demo.bed().netns("a")));
        command.addAll(List.of(argv));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static String gateRules(VipDemo demo) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", demo.bed().netns("a"), "iptables", "-S", "INPUT").start();
        String rules = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return rules.lines().filter(l -> l.contains("ferry-vip-handover")).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static void assertBMasterWithEveryWrite(VipDemo demo) {
        assertRole(demo.redis("b"), "master");
        try (Jedis jb = demo.redis("b").client()) {
            assertEquals(0, demo.writers().checkLost(jb).lost(), "b holds every acknowledged write");
        }
    }

    private static void assertRole(NsRedis redis, String role) {
        try (Jedis j = redis.client()) {
            assertTrue(j.info("replication").contains("role:" + role), redis.address() + " should be " + role);
        }
    }

    /** No namespace of the bed and no process started from its folder (keepalived, redis-server) survives close. */
    private static void assertNoLeftovers(dev.ferry.testkit.NetnsBed bed) throws Exception {
        String prefix = bed.prefix();
        String subnet = bed.address("a").substring(0, bed.address("a").lastIndexOf('.') + 1);
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        String list = new String(p.getInputStream().readAllBytes());
        assertFalse(list.contains(prefix + "-"), "namespaces left: " + list);
        List<String> processes = ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(cmd -> cmd.contains(bed.dir().toString()) || cmd.contains("redis-server " + subnet)).toList();
        assertEquals(List.of(), processes, "processes left");
    }
}
