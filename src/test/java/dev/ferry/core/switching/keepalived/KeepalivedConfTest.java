package dev.ferry.core.switching.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedConfTest {
    private static final String CONF = """
            ! Configuration File for keepalived
            global_defs {
               router_id LVS_A   # comment
            }
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
            }
            vrrp_instance VI_1
            {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                nopreempt
                track_script {
                    chk_redis weight -60
                    chk_other
                }
                unicast_peer { 198.18.0.12 }
                virtual_ipaddress {
                    198.18.0.100/24 dev eth0
                }
            }
            vrrp_instance VI_2 {
                virtual_router_id 52
                virtual_ipaddress {
                    198.18.0.101
                }
            }
            """;

    @TempDir
    Path dir;

    private static KeepalivedConf conf(String text) {
        return new KeepalivedConf("k.conf", Map.of("k.conf", text), ConfParser.parse("k.conf", text));
    }

    @Test
    void readsTheInstance() {
        KeepalivedConf conf = conf(CONF);
        VrrpInstance vi = conf.instance("VI_1").orElseThrow();
        assertEquals("51", vi.virtualRouterId().orElseThrow());
        assertEquals(150, vi.priority());
        assertTrue(vi.nopreempt());
        assertEquals(List.of("198.18.0.100"), vi.vips());
        assertEquals(List.of("198.18.0.12"), vi.unicastPeers());
        assertEquals(List.of("track_script chk_redis weight -60"), vi.weightedTracks());
        assertEquals(List.of("G1"), conf.syncGroupsOf("VI_1"));
        assertEquals(VrrpInstance.DEFAULT_PRIORITY, conf.instance("VI_2").orElseThrow().priority());
        assertFalse(conf.instance("VI_3").isPresent());
    }

    @Test
    void watchesLongerThanAsMasterDownTimer() {
        // advert_int 1 (the default), priority 150: 3 s + 106/256 s skew + 1 s margin
        assertEquals(1.0, conf(CONF).instance("VI_1").orElseThrow().advertInt());
        assertEquals(Duration.ofMillis(4414), VipStaysOnB.window(conf(CONF).instance("VI_1").orElseThrow()));
        String slow = CONF.replace("priority 150", "priority 150\n    advert_int 2");
        assertEquals(Duration.ofMillis(7828), VipStaysOnB.window(conf(slow).instance("VI_1").orElseThrow()));
    }

    @Test
    void priorityEditKeepsEverythingElse() {
        KeepalivedConf conf = conf(CONF);
        String edited = conf.withPriority(conf.instance("VI_1").orElseThrow(), 90);
        assertEquals(CONF.replace("priority 150", "priority 90"), edited);
        assertEquals(90, conf(edited).instance("VI_1").orElseThrow().priority());
    }

    @Test
    void priorityIsAddedWhereTheDefaultApplied() {
        KeepalivedConf conf = conf(CONF);
        String edited = conf.withPriority(conf.instance("VI_2").orElseThrow(), 160);
        assertEquals(160, conf(edited).instance("VI_2").orElseThrow().priority());
        assertEquals(150, conf(edited).instance("VI_1").orElseThrow().priority());
    }

    @Test
    void includesAreFollowedRelativeToTheIncludingFile() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("keepalived.conf"), "global_defs {\n}\ninclude conf.d/*.conf\n");
        Files.writeString(sub.resolve("vi1.conf"), "vrrp_instance VI_1 {\n  virtual_router_id 7\n  priority 120\n}\n");
        Files.writeString(sub.resolve("other.conf"), "vrrp_instance VI_9 {\n}\n");
        HostExec local = new HostExec("local", List.of(), Duration.ofSeconds(5), Redactor.NONE);
        KeepalivedConf conf = ConfLoader.load(local, dir.resolve("keepalived.conf").toString());
        VrrpInstance vi = conf.instance("VI_1").orElseThrow();
        assertEquals(120, vi.priority());
        assertEquals(sub.resolve("vi1.conf").toString(), vi.block().file());
        assertTrue(conf.instance("VI_9").isPresent());
        assertEquals(3, conf.files().size());
    }
}
