package dev.ferry.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.preflight.CheckResult;
import dev.ferry.core.redis.RedisVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The version-mix rules of docs/cluster-internals.md §7, versions as data (no servers). */
class ClusterBusMixTest {

    /**
     * "old nodes, new nodes, outcome, words the line must hold": nodes separated by spaces, "valkey-x" is Valkey x
     * (reporting redis 7.2.4), "+host" a 7.0 node with cluster-announce-hostname set.
     */
    @ParameterizedTest(name = "{0} with {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        "7.0.15 7.0.15; 7.0.15; PASS; 7.0.15",
        "6.2.16; 7.0.15; PASS; 6.2.16",
        "5.0.14; 7.0.15; PASS; 5.0.14",
        "6.2.16; valkey-8.0.1; WARN; valkey 8.0.1",
        "5.0.14; valkey-8.0.1; WARN; valkey#774",
        "3.0.4; 3.0.4; PASS; 3.0.4",
        "8.0.2; 8.0.2; PASS; 8.0.2",
        "6.2.16; 8.0.2; PASS; 8.0.2",
        "3.0.4 3.0.4; 7.0.15; FAIL; bus protocol 0",
        "3.0.4; valkey-8.0.1; FAIL; 3.x",
        "6.2.16; 7.2.6; FAIL; #12685",
        "5.0.14; 7.4.1; FAIL; #12685",
        "6.2.16; valkey-7.2.5; FAIL; #12685",
        "6.2.16 7.0.15+host; 7.0.15; FAIL; cluster-announce-hostname",
        "6.2.16; 7.0.15+host; FAIL; CONFIG SET cluster-announce-hostname",
        "7.0.15; 7.2.3; FAIL; 7.2.4 or newer",
        "7.0.15; 7.2.0; FAIL; #12805",
        "7.0.15; 7.2.6; WARN; #12761",
        "7.0.15; valkey-8.0.1; WARN; valkey#774",
        "6.2.16; valkey-8.0.1 7.0.15; WARN; restart",
        "7.2.6; 7.2.6; PASS; 7.2.6",
        "7.0.15+host; 7.0.15; PASS; 7.0.15",
        "7.0.15; 8.0.2; PASS; 8.0.2"})
    void refusesWarnsOrPasses(String old, String fresh, CheckResult.Status outcome, String words) {
        List<CheckResult> results = ClusterBusMix.check(members(old + " " + fresh));
        assertThat(results).extracting(CheckResult::status).containsOnly(outcome);
        assertThat(results).anySatisfy(r -> assertThat(r.oneLine()).contains(words));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.0.4 7.2.6 6.2.16", "6.2.16 7.2.6 7.0.15+host"})
    void everyBrokenMixIsItsOwnLineNamingNodesReasonAndFix(String nodes) {
        List<CheckResult> results = ClusterBusMix.check(members(nodes));
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.failed()).isTrue();
            assertThat(r.detail()).contains("127.0.0.1:7");
            assertThat(r.fix()).isNotBlank();
            assertThat(r.oneLine()).doesNotContain("\n");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"6.2.16 6.2.16 6.2.16 6.2.16 6.2.16 6.2.16 7.2.6"})
    void aLongListOfNodesIsCut(String nodes) {
        CheckResult r = ClusterBusMix.check(members(nodes)).get(0);
        assertThat(r.detail()).contains("127.0.0.1:7003").doesNotContain("127.0.0.1:7004 ").contains("and 2 more");
    }

    /** Each node gets port 7000, 7001, ... in the order written. */
    private static List<ClusterBusMix.Member> members(String written) {
        List<ClusterBusMix.Member> members = new ArrayList<>();
        for (String node : written.trim().split("\\s+")) {
            boolean hostname = node.endsWith("+host");
            String version = hostname ? node.substring(0, node.length() - 5) : node;
            members.add(new ClusterBusMix.Member("127.0.0.1:" + (7000 + members.size()), version(version),
                    hostname ? "node-" + members.size() + ".example" : ""));
        }
        return members;
    }

    private static RedisVersion version(String name) {
        return name.startsWith("valkey-") ? RedisVersion.parse("7.2.4", "valkey " + name.substring(7))
                : RedisVersion.parse(name, "redis");
    }
}
