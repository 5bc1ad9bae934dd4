package dev.ferry.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal on a disk that fills up (a real tmpfs of 256 KiB, mounted by the test): the entry that does not fit
 * is refused with one line (exit 6) and leaves no trace, the journal stays readable with every earlier entry,
 * and once space is freed the same journal takes entries again, which is what resume needs.
 */
class JournalFullDiskIT {
    @TempDir
    Path dir;

    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = Files.createDirectories(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=256k", "ferry-journal-test", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", mount.toString());
    }

    @Test
    void aFullDiskNeverTearsTheJournalAndResumeCanWriteAgain() throws IOException {
        Journal journal = Journal.open(mount, "orders", Clock.systemUTC());
        journal.stepStarted("preflight", Map.of());
        journal.stepCompleted("preflight", Map.of("checks", "all passed"));
        fillUp(mount.resolve("filler"));
        String big = "x".repeat(64 * 1024); // more than the space left: a write of it can only be partial

        assertThatThrownBy(() -> journal.stepFact("sync b from a", "OFFSET", Map.of("padding", big)))
                .isInstanceOfSatisfying(FerryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExitCode.JOURNAL);
                    assertThat(e.getMessage()).startsWith("cannot write journal " + Journal.fileFor(mount, "orders"))
                            .contains("No space left on device").endsWith("then run ferry resume (the journal is intact up"
                                    + " to its last complete entry)").doesNotContain("\n");
                });

        Journal reread = Journal.open(mount, "orders", Clock.systemUTC());
        assertThat(reread.entries()).hasSize(2);
        assertThat(reread.completed("preflight")).isTrue();
        assertThat(Files.readString(Journal.fileFor(mount, "orders"))).endsWith("}\n");

        Files.delete(mount.resolve("filler"));
        reread.stepStarted("sync b from a", Map.of());
        assertThat(Journal.open(mount, "orders", Clock.systemUTC()).entries()).extracting(JournalEntry::step)
                .isEqualTo(List.of("preflight", "preflight", "sync b from a"));
    }

    /** Writes until the disk says ENOSPC, leaving a few KiB at most. */
    private static void fillUp(Path filler) throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
            return;
        }
        throw new AssertionError("a 256k tmpfs took 4 MiB: it is not mounted");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + new String(p.getInputStream().readAllBytes())).isZero();
    }
}
