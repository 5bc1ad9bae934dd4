package dev.ferry.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private Journal journal() {
        return Journal.open(dir, "orders", Clock.systemUTC());
    }

    @Test
    void aFailedStepBlocksUntilResumedPastIt() {
        Journal j = journal();
        assertThat(j.status()).isEqualTo(RunStatus.NONE);
        j.stepStarted("sync b from a", Map.of());
        assertThat(j.status()).isEqualTo(RunStatus.IN_PROGRESS);
        j.stepFailed("sync b from a", "boom");
        assertThat(journal().status()).isEqualTo(RunStatus.FAILED);
        assertThat(journal().failedStep()).contains("sync b from a");
        j.stepStarted("sync b from a", Map.of());
        j.stepCompleted("sync b from a", Map.of("offset", 5));
        Journal reread = journal();
        assertThat(reread.status()).isEqualTo(RunStatus.IN_PROGRESS);
        assertThat(reread.completed("sync b from a")).isTrue();
        assertThat(reread.facts("sync b from a")).containsEntry("offset", 5);
        j.ended(RunStatus.COMPLETED, Map.of());
        assertThat(journal().status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aLazyFactIsWrittenAtOnceInOrderSoACrashOfFerryKeepsIt() {
        Journal j = journal();
        j.stepFact("cutover", Milestone.FENCING, Map.of("marker", "m"));
        j.stepFactLazily("cutover", Milestone.FENCED, Map.of("capturedOffset", 7));
        Journal reread = journal(); // what a resume after kill -9 reads: the page cache holds the unforced line
        assertThat(reread.reached("cutover", Milestone.FENCED)).isTrue();
        assertThat(reread.facts("cutover")).containsEntry("capturedOffset", 7);
        j.stepFact("cutover", Milestone.PROMOTING, Map.of());
        assertThat(journal().entries()).extracting(JournalEntry::status).containsExactly("FENCING", "FENCED", "PROMOTING");
    }

    @Test
    void keepsTheFirstOldValueOfAConfigUntilRestored() {
        Journal j = journal();
        j.append(Journal.CONFIG, null, "CHANGED", Map.of("server", "a", "key", "maxclients", "old", "10000", "new", "1"));
        j.append(Journal.CONFIG, null, "CHANGED", Map.of("server", "a", "key", "maxclients", "old", "1", "new", "2"));
        assertThat(journal().pendingConfigChanges()).singleElement()
                .satisfies(c -> assertThat(c.oldValue()).isEqualTo("10000"));
        j.append(Journal.CONFIG, null, "RESTORED", Map.of("server", "a", "key", "maxclients", "value", "10000"));
        assertThat(journal().pendingConfigChanges()).isEmpty();
    }

    @Test
    void aTornLastLineFromACrashIsIgnoredButCorruptionIsNot() throws Exception {
        Journal j = journal();
        j.stepStarted("cutover", Map.of());
        Files.writeString(j.file(), "{\"time\":\"2026-", StandardOpenOption.APPEND);
        assertThat(journal().started("cutover")).isTrue();
        Files.writeString(j.file(), "not json\n{\"kind\":\"step\"}\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(this::journal).isInstanceOf(FerryException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void archivingKeepsTheOldJournalBesideTheNewOne() throws Exception {
        Journal j = journal();
        j.ended(RunStatus.COMPLETED, Map.of());
        j.archive();
        assertThat(journal().status()).isEqualTo(RunStatus.NONE);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".old"));
        }
    }

    @Test
    void aLockHeldByALiveProcessIsRefusedAndAStaleOneTakenOver() throws Exception {
        try (RunLock lock = RunLock.acquire(dir, "orders", "run")) {
            assertThatThrownBy(() -> RunLock.acquire(dir, "orders", "run")).isInstanceOf(FerryException.class)
                    .hasMessageContaining("another ferry run holds orders").hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Files.writeString(dir.resolve("orders.lock"), "999999999 " + host + " 2026-01-01T00:00:00Z run");
        try (RunLock lock = RunLock.acquire(dir, "orders", "run")) {
            assertThat(Files.readString(dir.resolve("orders.lock"))).startsWith(ProcessHandle.current().pid() + " ");
        }
    }

    /** A crash mid-write leaves a torn last line: reading skips it, and the next entry must not be glued onto it. */
    @Test
    void aTornLastLineIsCutBeforeTheNextEntry() throws java.io.IOException {
        Journal j = journal();
        j.stepStarted("preflight", Map.of());
        Files.writeString(j.file(), "{\"kind\":\"step\",\"st", StandardOpenOption.APPEND);
        Journal afterCrash = journal();
        assertThat(afterCrash.entries()).hasSize(1);

        afterCrash.stepCompleted("preflight", Map.of());

        assertThat(journal().entries()).hasSize(2);
        assertThat(journal().completed("preflight")).isTrue();
        afterCrash.stepStarted("sync b from a", Map.of());
        assertThat(journal().entries()).hasSize(3);
    }
}
