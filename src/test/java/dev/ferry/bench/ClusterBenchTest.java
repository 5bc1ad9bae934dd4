package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The cluster bench's options and goals, as issue 12 states them. */
class ClusterBenchTest {

    private static Map<String, Object> row(String way, double seconds, long lost, Long... gaps) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("way", way);
        row.put("completed", true);
        row.put("totalSeconds", seconds);
        row.put("lost", lost);
        row.put("shardGapMillis", List.of(gaps));
        row.put("shardSwitchGapMillis", List.of(gaps));
        row.put("shardMillis", List.of(gaps).stream().map(g -> 1000L).toList());
        return row;
    }

    @Test
    void ferrysP100GapMayExceedByHandsP100ByAt20Ms() {
        List<Map<String, Object>> at = List.of(row("ferry", 10, 0, 30L, 78L), row("by hand", 12, 0, 58L, 40L, -1L));
        assertThat(ClusterBench.verdict(at, List.of())).containsEntry("byHandGapP100Millis", 58L)
                .containsEntry("gapBoundMillis", 78L).containsEntry("ferryGapP100Millis", 78L)
                .containsEntry("gapMet", true).containsEntry("allGoalsMet", true).doesNotContainKey("timeRatio");
        List<Map<String, Object>> over = List.of(row("ferry", 10, 0, 30L, 79L), row("by hand", 12, 0, 58L));
        assertThat(ClusterBench.verdict(over, List.of())).containsEntry("gapMet", false)
                .containsEntry("allGoalsMet", false);
    }

    @Test
    void theBigClusterAtParallel4TakesAtMost04OfItsTimeAt1() {
        List<Map<String, Object>> met = List.of(row("ferry", 100, 0), row("ferry", 40, 0));
        assertThat(ClusterBench.verdict(List.of(), met)).containsEntry("timeRatio", 0.4)
                .containsEntry("timeRatioMet", true).containsEntry("allGoalsMet", true).doesNotContainKey("gapMet");
        List<Map<String, Object>> slow = List.of(row("ferry", 100, 0), row("ferry", 41, 0));
        assertThat(ClusterBench.verdict(List.of(), slow)).containsEntry("timeRatioMet", false)
                .containsEntry("allGoalsMet", false);
    }

    @Test
    void aLostWriteOrAFailedMoveMissesTheGoals() {
        List<Map<String, Object>> lost = List.of(row("ferry", 10, 1, 10L), row("by hand", 10, 0, 10L));
        assertThat(ClusterBench.verdict(lost, List.of())).containsEntry("lost", 1L).containsEntry("lostMet", false)
                .containsEntry("allGoalsMet", false);
        Map<String, Object> failed = row("ferry", 10, 0, 10L);
        failed.put("completed", false);
        assertThat(ClusterBench.verdict(List.of(failed, row("by hand", 10, 0, 10L)), List.of()))
                .containsEntry("everyMoveDone", false).containsEntry("allGoalsMet", false);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--runs 0                             | bench/cluster.sh: --runs must be positive, was 0 (see bench/cluster.sh --help)",
        "--shards 17                          | bench/cluster.sh: --shards must be at most 16 (four redis-servers per shard, each run), was 17 (see bench/cluster.sh --help)",
        "--big-shards 51                      | bench/cluster.sh: --big-shards must be at most 50 (four redis-servers per shard, on one machine), was 51 (see bench/cluster.sh --help)",
        "--big-shards 3 --big-parallel 4      | bench/cluster.sh: --big-parallel must be at most --big-shards (3), was 4 (see bench/cluster.sh --help)",
        "--keys -1                            | bench/cluster.sh: --keys and --big-keys must not be negative, were -1 and 3000 (see bench/cluster.sh --help)",
        "--skip-big --skip-compare            | bench/cluster.sh: --skip-compare and --skip-big leave nothing to run: drop one (see bench/cluster.sh --help)",
        "--rate x                             | bench/cluster.sh: Invalid value for option '--rate': 'x' is not an int (see bench/cluster.sh --help)",
    })
    void argumentsAreCheckedBeforeAnyServerStarts(String args, String message) {
        assertThat(BenchCli.problem(new CommandLine(new ClusterBench.Options()), args.trim().split("\\s+")))
                .contains(message);
    }

    @Test
    void defaultsAreIssue12s() {
        ClusterBench.Options options = new ClusterBench.Options();
        assertThat(BenchCli.problem(new CommandLine(options), new String[0])).isEmpty();
        assertThat(options.runs).isEqualTo(10);
        assertThat(options.shards).isEqualTo(3);
        assertThat(options.writers).isEqualTo(4);
        assertThat(options.rate).isEqualTo(500);
        assertThat(options.bigShards).isEqualTo(30);
        assertThat(options.bigParallel).isEqualTo(4);
    }
}
