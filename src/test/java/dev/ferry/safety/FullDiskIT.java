package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.ExitCode;
import dev.ferry.core.journal.Journal;
import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The state dir's disk fills up in the middle of a run (a 2 MiB ext4 with 1 KiB blocks, loop-mounted by the test,
 * so that what the journal writes after the fill needs new blocks, where a tmpfs page might still hold it; the
 * hook fills it inside the cutover, after b's promotion): ferry stops with one line and exit 8, the journal stays readable with
 * every entry it had, and once space is freed {@code ferry resume} finishes the move without losing a write.
 */
class FullDiskIT {
    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsUpMidRunLeavesAReadableJournalAndResumeFinishes() throws Exception {
        try (MoveFixture f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "")) {
            Files.createDirectories(f.state);
            mountSmallDisk(f.state);
            try {
                fillingHook(f);
                Writers writers = f.startWriters();

                Path report = f.state.resolve("run.json");
                Cli.Result first = f.ferry("run", "--yes", "--report", report.toString());

                assertThat(first.code()).as(first.toString()).isEqualTo(ExitCode.INCOMPLETE.value());
                List<String> err = first.err().lines().toList();
                assertThat(err).as(first.toString()).hasSize(2);
                assertThat(err.get(0)).as("the report cannot be written either: a warning, not a stack trace")
                        .startsWith("ferry: WARN: cannot write report " + report).contains("No space left on device")
                        .contains("the journal in " + f.state + " is intact");
                assertThat(err.get(1)).as(first.toString()).startsWith("ferry: cannot write journal " + f.state)
                        .contains("No space left on device").contains("ferry resume").endsWith("(b is already master)").doesNotContain("\n")
                        .doesNotContain("\tat ");
                Journal journal = Journal.open(f.state, "orders", Clock.systemUTC());
                assertThat(journal.entries()).as("the journal is readable after ENOSPC").isNotEmpty();
                assertThat(Files.readString(journal.file())).endsWith("}\n");
                assertThat(MoveFixture.role(f.b)).startsWith("role:master");

                Files.delete(f.state.resolve("filler"));
                Cli.Result resume = f.ferry("resume", "--yes", "--report", report.toString());

                assertThat(resume.code()).as(resume.toString()).isZero();
                assertThat(Journal.json().readTree(report.toFile()).path("status").asText()).isEqualTo("COMPLETED");
                writers.awaitAcknowledged(writers.acknowledged() + 200, Duration.ofSeconds(10));
                writers.stop();
                assertThat(MoveFixture.role(f.a)).contains("master_port:" + f.b.port());
                try (Jedis b = f.b.client()) {
                    LossReport lost = writers.checkLost(b);
                    assertThat(lost.missing() + lost.wrongValue()).as(lost.toString()).isZero();
                }
            } finally {
                run("umount", f.state.toString());
            }
        }
    }

    /** The fixture's hook, which then fills the state dir's disk, once (resume runs the hook again). */
    private static void fillingHook(MoveFixture f) throws Exception {
        Path hook = dir(f).resolve("repoint.sh");
        Files.writeString(hook, "#!/bin/sh\nprintf '%s:%s\\n' \"$FERRY_TARGET_HOST\" \"$FERRY_TARGET_PORT\" > endpoint.tmp"
                + " && mv endpoint.tmp endpoint\n"
                + "[ -e filled-once ] && exit 0\ntouch filled-once\n"
                + "dd if=/dev/zero of=" + f.state.resolve("filler") + " bs=1024 count=4000 2>/dev/null\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    }

    private static Path dir(MoveFixture f) {
        return f.dir;
    }

    /** An ext4 image beside the mount point, loop-mounted (the loop device goes with the umount). */
    private static void mountSmallDisk(Path mountPoint) throws Exception {
        Path image = mountPoint.resolveSibling("state.img");
        run("truncate", "-s", "2M", image.toString());
        run("mkfs.ext4", "-q", "-F", "-b", "1024", "-m", "0", "-O", "^has_journal", image.toString());
        run("mount", "-o", "loop", image.toString(), mountPoint.toString());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + new String(p.getInputStream().readAllBytes())).isZero();
    }
}
