package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Binaries;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: {@code ferry demo --cluster} moves a throwaway 3-master x 1-replica cluster to six new nodes under
 * cluster writers, loses nothing, leaves no old node in the new nodes' views, exits 0 and leaves no redis-server
 * behind.
 */
class DemoClusterIT {

    @Test
    void threeShardsMoveLosingNothingAndLeaveNoServerBehind() {
        Binaries.require(Binaries.APT);
        long t0 = System.nanoTime();
        Cli.Result demo = Cli.run("demo", "--cluster", "--keys", "2000");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000;
        assertThat(demo.code()).as(demo.toString()).isZero();
        assertThat(demo.out()).as(demo.toString()).contains("Cluster demo: DONE").contains("(3 shards, 1 at once)")
                .containsPattern("writers: [1-9]\\d* acknowledged, 0 lost")
                .contains("Plan for demo-cluster: 3 shards").contains("==> shard 3: cutover")
                .contains("old nodes still in the new nodes' view: none");
        for (int i = 1; i <= 3; i++) {
            assertThat(demo.out()).as(demo.toString())
                    .containsPattern("shard " + i + ": moved in [\\d.]+s, longest writer gap around its switch \\d+ ms");
        }
        assertThat(seconds).as("demo took %d s", seconds).isLessThan(90);
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("redis-server")))
                .as("redis-servers left running").isEmpty();
    }
}
