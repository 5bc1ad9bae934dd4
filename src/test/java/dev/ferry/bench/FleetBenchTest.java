package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The fleet bench's goals, computed from two runs' rows as issue 13 states them. */
class FleetBenchTest {

    private static Map<String, Object> row(double seconds, long lost, Long... pauses) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("totalSeconds", seconds);
        row.put("lost", lost);
        row.put("exitCode", 0);
        row.put("pausesMillis", List.of(pauses));
        row.put("pauseP100Millis", FleetBench.percentile(List.of(pauses), 100));
        return row;
    }

    @Test
    void theLonePairBoundIsTwiceTheLoneP100OrItPlus25Ms() {
        // lone p100 20 ms: the bound is 45 ms (20 + 25 beats 2 x 20)
        Map<String, Object> v = FleetBench.verdict(row(100, 0, 10L, 20L), row(20, 0, 45L, 30L));
        assertThat(v).containsEntry("pauseBoundMillis", 45L).containsEntry("pauseMet", true)
                .containsEntry("timeRatioMet", true).containsEntry("allGoalsMet", true);
        Map<String, Object> over = FleetBench.verdict(row(100, 0, 10L, 20L), row(20, 0, 46L, 30L));
        assertThat(over).containsEntry("pairsOverPauseBound", 1L).containsEntry("allGoalsMet", false);
        // lone p100 100 ms: the bound is 200 ms
        assertThat(FleetBench.verdict(row(100, 0, 100L), row(20, 0, 200L))).containsEntry("pauseBoundMillis", 200L)
                .containsEntry("pauseMet", true);
    }

    @Test
    void aSlowFleetOrALostWriteMissesTheGoals() {
        assertThat(FleetBench.verdict(row(100, 0, 10L), row(26, 0, 10L))).containsEntry("timeRatioMet", false)
                .containsEntry("allGoalsMet", false);
        assertThat(FleetBench.verdict(row(100, 0, 10L), row(20, 1, 10L))).containsEntry("lostMet", false)
                .containsEntry("allGoalsMet", false);
    }

    @Test
    void percentilesAreNearestRank() {
        assertThat(FleetBench.percentile(List.of(5L, 1L, 3L, 2L), 50)).isEqualTo(2);
        assertThat(FleetBench.percentile(List.of(5L, 1L, 3L, 2L), 100)).isEqualTo(5);
        assertThat(FleetBench.percentile(List.of(), 100)).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--pairs 0              | bench/fleet.sh: --pairs must be positive, was 0 (see bench/fleet.sh --help)",
        "--pairs 101            | bench/fleet.sh: --pairs must be at most 100 (3 redis-servers and a writer each, on one machine), was 101 (see bench/fleet.sh --help)",
        "--pairs 4 --parallel 5 | bench/fleet.sh: --parallel must be at most --pairs (4), was 5 (see bench/fleet.sh --help)",
        "--rate x               | bench/fleet.sh: Invalid value for option '--rate': 'x' is not an int (see bench/fleet.sh --help)",
    })
    void argumentsAreCheckedBeforeAnyServerStarts(String args, String message) {
        assertThat(BenchCli.problem(new CommandLine(new FleetBench.Options()), args.trim().split("\\s+")))
                .contains(message);
    }

    @Test
    void defaultsAreIssue13s() {
        FleetBench.Options options = new FleetBench.Options();
        assertThat(BenchCli.problem(new CommandLine(options), new String[0])).isEmpty();
        assertThat(options.pairs).isEqualTo(50);
        assertThat(options.parallel).isEqualTo(8);
        assertThat(options.rate).isEqualTo(100);
    }
}
