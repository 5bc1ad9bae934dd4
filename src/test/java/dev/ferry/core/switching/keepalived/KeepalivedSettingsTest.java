package dev.ferry.core.switching.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.host.Redactor;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepalivedSettingsTest {
    private static final String SERVERS = """
            name: orders
            source: { host: 198.18.0.11, exec: "ssh root@198.18.0.11" }
            target: { host: 198.18.0.12, exec: [ip, netns, exec, hb] }
            """;

    @TempDir
    Path dir;

    private KeepalivedSettings load(String switchYaml) throws IOException {
        Path spec = Files.writeString(dir.resolve("orders.yaml"), SERVERS + switchYaml);
        return KeepalivedSettings.from(SpecLoader.load(spec), Redactor.NONE);
    }

    @Test
    void hostsDefaultToTheServersExecAndTheDocumentedCommands() throws IOException {
        KeepalivedSettings s = load("switch: { type: keepalived, vip: 198.18.0.100, instance: VI_1, timeout: 12s }\n");
        assertEquals(List.of("ssh", "root@198.18.0.11"), s.source().host().prefix());
        assertEquals(List.of("ip", "netns", "exec", "hb"), s.target().host().prefix());
        assertEquals(KeepalivedSide.DEFAULT_CONFIG, s.source().config());
        assertEquals(KeepalivedSide.DEFAULT_RELOAD, s.target().reload());
        assertEquals(Optional.empty(), s.source().handoverFile());
        assertEquals(Duration.ofSeconds(12), s.timeout());
    }

    @Test
    void switchSidesOverrideExecAndCommands() throws IOException {
        KeepalivedSettings s = load("""
                switch:
                  type: keepalived
                  vip: 198.18.0.100
                  instance: VI_1
                  source: { exec: "ssh -p 2222 admin@198.18.0.11", config: /etc/k.conf, handover-file: /run/h }
                  target: { reload: "kill -HUP 42" }
                """);
        assertEquals(List.of("ssh", "-p", "2222", "admin@198.18.0.11"), s.source().host().prefix());
        assertEquals("/etc/k.conf", s.source().config());
        assertEquals(Optional.of("/run/h"), s.source().handoverFile());
        assertEquals("kill -HUP 42", s.target().reload());
    }

    @Test
    void unknownSideKeyAndMissingVipAreSpecErrors() {
        FerryException unknown = assertThrows(FerryException.class, () -> load(
                "switch: { type: keepalived, vip: 198.18.0.100, instance: VI_1, target: { reload-cmd: x } }\n"));
        assertEquals(ExitCode.BAD_SPEC, unknown.code());
        assertTrue(unknown.getMessage().contains("unknown key switch.target.reload-cmd"), unknown.getMessage());
        FerryException noVip = assertThrows(FerryException.class, () -> load(
                "switch: { type: keepalived, instance: VI_1 }\n"));
        assertTrue(noVip.getMessage().contains("switch.vip is required"), noVip.getMessage());
    }
}
