package dev.ferry.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journals written before milestones were a type must still read: the journaled strings never change. */
class MilestoneTest {
    @TempDir
    Path dir;

    @Test
    void everyMilestoneIsJournaledAsTheStringOlderVersionsWrote() {
        assertThat(Arrays.stream(Milestone.values()).map(Milestone::journaled)).containsExactly("FENCING", "FENCED",
                "PROMOTING", "PROMOTED", "SWITCHED", "DEMOTED", "ABORTED", "DETACHED", "WRITABLE", "FAILOVER",
                "FAILOVER_TIMED_OUT");
        assertThat(Milestone.markerKey("orders")).isEqualTo("ferry:marker:orders");
    }

    @Test
    void aMilestoneJournaledAsAStringIsReachedAsTheType() throws Exception {
        Journal old = Journal.open(dir, "orders", Clock.systemUTC());
        old.stepStarted("cutover", Map.of());
        old.stepFact("cutover", "PROMOTED", Map.of("bRunId", "x"));
        Journal reread = Journal.open(dir, "orders", Clock.systemUTC());
        assertThat(reread.reached("cutover", Milestone.PROMOTED)).isTrue();
        assertThat(reread.reached("cutover", Milestone.FENCING)).isFalse();
        reread.stepFact("cutover", Milestone.FAILOVER_REQUESTED, Map.of());
        assertThat(Files.readString(Journal.fileFor(dir, "orders"))).contains("\"FAILOVER\"");
    }
}
