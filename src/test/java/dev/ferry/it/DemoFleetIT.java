package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 13: {@code ferry demo --fleet 3} moves three throwaway pairs as one fleet, loses nothing, leaves nothing. */
class DemoFleetIT {

    @Test
    void threePairsLoseNothingAndLeaveNoServerBehind() {
        Cli.Result demo = Cli.run("demo", "--fleet", "3", "--keys", "2000", "--writers", "1", "--rate", "100");
        assertThat(demo.code()).as(demo.toString()).isZero();
        assertThat(demo.out()).as(demo.toString()).contains("Fleet demo: 3 DONE").contains("(3 pairs, 3 at once)");
        for (int i = 0; i < 3; i++) {
            assertThat(demo.out()).as(demo.toString()).containsPattern("demo-" + i + " +DONE +[1-9]\\d* acknowledged, 0 lost");
        }
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("redis-server")))
                .as("redis-servers left running").isEmpty();
    }
}
