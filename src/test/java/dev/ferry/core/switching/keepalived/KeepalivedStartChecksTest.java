package dev.ferry.core.switching.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.host.Redactor;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the keepalived switch runs and edits inside the cutover window, checked through the same exec and shell
 * before anything changes (both hosts local here: an empty exec runs on ferry's host).
 */
class KeepalivedStartChecksTest {
    @TempDir
    Path dir;

    private KeepalivedStartChecks checks(String sides) throws IOException {
        Path spec = Files.writeString(dir.resolve("orders.yaml"), "name: orders\nsource: { host: 127.0.0.1, port: 7001 }\n"
                + "target: { host: 127.0.0.1, port: 7002 }\nswitch:\n  type: keepalived\n  vip: 198.18.0.100\n"
                + "  instance: VI_1\n" + sides);
        return new KeepalivedStartChecks(KeepalivedSettings.from(SpecLoader.load(spec), Redactor.NONE));
    }

    @Test
    void reloadProgramsAndEditableConfigsPass() throws IOException {
        Path a = Files.writeString(dir.resolve("a.conf"), "vrrp_instance VI_1 {}\n");
        Path b = Files.writeString(dir.resolve("b.conf"), "vrrp_instance VI_1 {}\n");
        KeepalivedStartChecks checks = checks("  source: { reload: \"true\" }\n  target: { reload: \"kill -0 1\" }\n");

        assertThat(checks.problems(a.toString(), b.toString())).isEmpty();
        assertThat(dir.resolve("a.conf.ferry-probe")).doesNotExist();
    }

    @Test
    void aReloadProgramTheHostDoesNotHaveIsRefused() throws IOException {
        Path conf = Files.writeString(dir.resolve("k.conf"), "vrrp_instance VI_1 {}\n");
        KeepalivedStartChecks checks = checks("  source: { reload: \"true\" }\n"
                + "  target: { reload: \"ferry-no-such-systemctl reload keepalived\" }\n");

        assertThat(checks.problems(conf.toString(), conf.toString())).singleElement().asString()
                .startsWith("b (local)'s reload command 'ferry-no-such-systemctl reload keepalived' cannot start: "
                        + "ferry-no-such-systemctl is not found there")
                .endsWith("install it or fix switch.target.reload");
    }

    @Test
    void aConfigTheSwitchCannotReplaceIsRefused() throws IOException {
        Path ok = Files.writeString(dir.resolve("k.conf"), "vrrp_instance VI_1 {}\n");
        KeepalivedStartChecks checks = checks("  source: { reload: \"true\" }\n  target: { reload: \"true\" }\n");

        // /proc/version: a file root may open for writing, in a folder where nobody can create the backup
        assertThat(checks.problems("/proc/version", ok.toString())).singleElement().asString()
                .startsWith("a (local)'s keepalived config /proc/version, which the switch edits, is in a folder ferry"
                        + " cannot write into (the backup /proc/version.ferry-backup");
        assertThat(checks.problems(ok.toString(), dir.resolve("missing.conf").toString())).singleElement().asString()
                .contains("b (local)'s keepalived config " + dir.resolve("missing.conf") + ", which the switch edits, is not"
                        + " a regular file");
    }
}
