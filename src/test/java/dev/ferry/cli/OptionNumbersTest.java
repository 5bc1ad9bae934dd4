package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Numbers on the command line are checked before a spec is read or a server contacted (the spec named here
 * does not even exist): one line naming the option and what it takes, exit 2, never a stack trace.
 */
class OptionNumbersTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "verify missing.yaml --sample 0       | --sample must be at least 1, was 0",
        "verify missing.yaml --max-ops -1     | --max-ops must be 0 (no limit) or more, was -1",
        "verify missing.yaml --workers 0      | --workers must be between 1 and 32, was 0",
        "demo --keys -5                       | --keys must be between 0 and 50000000, was -5",
        "demo --writers 0                     | --writers must be between 1 and 64, was 0",
        "demo --rate -1                       | --rate must be between 1 and 100000, was -1",
        "demo --max-pause 0s                  | --max-pause must be between 1ms and 1m, was 0s",
        "demo --max-pause 2                   | invalid --max-pause: '2' has no unit",
        "demo --mode bogus                    | --mode must be one of [pause, failover, drain], was bogus",
        "status missing.yaml --watch --interval 0s | --interval must be between 100ms and 1h, was 0s",
        "run missing.yaml --metrics-port 70000     | --metrics-port must be between 1 and 65535, was 70000",
        "fleet run missing.yaml --metrics-port 0   | --metrics-port must be between 1 and 65535, was 0",
        "demo --fleet 0                       | --fleet must be between 1 and 50, was 0",
        "demo --fleet 1000                    | --fleet must be between 1 and 50, was 1000",
        "demo --fleet 3 --parallel 4          | --parallel must be between 1 and 3, was 4",
        "demo --parallel 2                    | --parallel needs --fleet N (pairs to move) or --cluster (shards at once)",
        "demo --cluster --shards 0            | --shards must be between 1 and 16, was 0",
        "demo --cluster --shards 17           | --shards must be between 1 and 16, was 17",
        "demo --cluster --shards 3 --parallel 4 | --parallel must be between 1 and 3, was 4",
        "demo --shards 3                      | --shards needs --cluster (the demo of a Redis Cluster move)",
        "demo --cluster --fleet 2             | --cluster and --fleet are two demos: pick one",
        "demo --cluster --mode drain          | --mode is for a standalone move: drop it with --cluster",
    })
    void aBadNumberIsOneLineAndExitTwo(String args, String message) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(args.trim().split("\\s+"));
        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ferry: " + message).doesNotContain("\n").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }
}
