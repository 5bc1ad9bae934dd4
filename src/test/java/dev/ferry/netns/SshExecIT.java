package dev.ferry.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.Redactor;
import dev.ferry.testkit.NetnsBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shell command reaches a real OpenSSH server (in b's namespace, key auth) intact: ssh re-parses its arguments. */
@Tag("netns")
class SshExecIT {
    private static final String NASTY = "printf '%s|' \"it's\" '$HOME' '*' 'a;b' 'back\\slash' && echo \"x  y\"";

    @TempDir
    Path dir;

    @Test
    void shellCommandArrivesIntactThroughSsh() throws Exception {
        assumeTrue(NetnsBed.unavailableReason().isEmpty(), NetnsBed.unavailableReason());
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "openssh-server not installed");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client").toString());
        Files.copy(dir.resolve("client.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        try (NetnsBed bed = NetnsBed.create()) {
            Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "ListenAddress " + bed.address("b"), "Port 22", "HostKey " + dir.resolve("host"),
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no", "StrictModes no", "UsePAM no", "PidFile " + dir.resolve("sshd.pid"), ""));
            Process sshd = new ProcessBuilder("ip", "netns", "exec", bed.netns("b"), "/usr/sbin/sshd", "-D", "-e",
                    "-f", config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile())
                    .start();
            try {
                HostExec b = new HostExec("b", List.of("ssh", "-i", dir.resolve("client").toString(), "-o",
                        "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o",
                        "ConnectTimeout=3", "root@" + bed.address("b")), Duration.ofSeconds(10), Redactor.NONE);
                assertTrue(b.throughRemoteShell());
                ExecResult r = awaitSsh(b);
                assertTrue(r.ok(), () -> r.failure() + " sshd: " + read(dir.resolve("sshd.log")));
                assertEquals("it's|$HOME|*|a;b|back\\slash|x  y", r.stdout().strip());
                ExecResult where = b.shell("ip -o addr show dev eth0");
                assertTrue(where.stdout().contains(" " + bed.address("b") + "/"), where.stdout());
            } finally {
                sshd.destroy();
                sshd.waitFor(5, TimeUnit.SECONDS);
                sshd.destroyForcibly();
            }
        }
    }

    private static ExecResult awaitSsh(HostExec b) throws InterruptedException {
        ExecResult r = b.shell(NASTY);
        for (int i = 0; i < 20 && !r.ok(); i++) {
            Thread.sleep(200);
            r = b.shell(NASTY);
        }
        return r;
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor(), String.join(" ", argv));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
