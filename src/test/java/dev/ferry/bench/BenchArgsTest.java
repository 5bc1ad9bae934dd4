package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The bench scripts' arguments: a bad one is one line naming it (exit 2 in main), never a stack trace. */
class BenchArgsTest {
    @TempDir
    Path dir;

    private static String verifyProblem(String... args) {
        return BenchCli.problem(new CommandLine(new VerifyBench.Options()), args).orElse("(parsed)");
    }

    private static String cutoverProblem(String... args) {
        return BenchCli.problem(new CommandLine(new BenchArgs.Options()), args).orElse("(parsed)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--out                | bench/verify.sh: Missing required parameter for option '--out' (FILE) (see bench/verify.sh --help)",
        "many                 | bench/verify.sh: Unmatched argument at index 0: 'many' (see bench/verify.sh --help)",
        "0                    | bench/verify.sh: KEYS must be positive, was 0 (see bench/verify.sh --help)",
        "--keys 5             | bench/verify.sh: Unknown option: '--keys' (see bench/verify.sh --help)",
    })
    void verifyBenchArgumentsAreCheckedUpFront(String args, String message) {
        assertThat(verifyProblem(args.trim().split("\\s+"))).isEqualTo(message);
    }

    @Test
    void verifyBenchTakesOutAndKeyCounts() {
        VerifyBench.Options options = new VerifyBench.Options();
        Path out = dir.resolve("verify.json");
        assertThat(BenchCli.problem(new CommandLine(options), new String[] {"--ttl", "--out", out.toString(), "1000", "2000"}))
                .isEmpty();
        assertThat(options.out).isEqualTo(out);
        assertThat(options.counts).isEqualTo(List.of(1000, 2000));
        assertThat(options.ttl).isTrue();
        assertThat(verifyProblem("--out", dir.toString())).startsWith("bench/verify.sh: --out " + dir + ": is a folder, not a file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--runs x     | bench/cutover.sh: Invalid value for option '--runs': 'x' is not an int (see bench/cutover.sh --help)",
        "--runs 0     | bench/cutover.sh: --runs must be positive, was 0 (see bench/cutover.sh --help)",
        "--runs       | bench/cutover.sh: Missing required parameter for option '--runs' (<runs>) (see bench/cutover.sh --help)",
        "--forse      | bench/cutover.sh: Unknown option: '--forse' (see bench/cutover.sh --help)",
        "--netns-modes pause,fast | bench/cutover.sh: --netns-modes takes pause, failover, drain, was fast (see bench/cutover.sh --help)",
    })
    void cutoverBenchArgumentsAreCheckedUpFront(String args, String message) {
        assertThat(cutoverProblem(args.trim().split("\\s+"))).isEqualTo(message);
    }

    @Test
    void cutoverBenchDefaultsAndNetns() {
        BenchArgs.Options options = new BenchArgs.Options();
        assertThat(BenchCli.problem(new CommandLine(options), new String[] {"--netns", "--runs", "3", "--out",
                dir.resolve("c.json").toString()})).isEmpty();
        BenchArgs args = options.args();
        assertThat(args.runs()).isEqualTo(3);
        assertThat(args.keys()).isEqualTo(2000);
        assertThat(args.netns()).isTrue();
        assertThat(args.out()).isEqualTo(dir.resolve("c.json"));
        assertThat(args.netnsModes()).containsExactly("pause", "failover", "drain");
        assertThat(args.rollback()).isFalse();
    }

    @Test
    void cutoverBenchNetnsOnlyWithRollback() {
        BenchArgs.Options options = new BenchArgs.Options();
        assertThat(BenchCli.problem(new CommandLine(options), new String[] {"--netns-only", "--netns-modes", "pause",
                "--rollback", "--no-capture", "--out", dir.resolve("c.json").toString()})).isEmpty();
        BenchArgs args = options.args();
        assertThat(args.netns()).isTrue();
        assertThat(args.netnsOnly()).isTrue();
        assertThat(args.netnsModes()).containsExactly("pause");
        assertThat(args.rollback()).isTrue();
        assertThat(args.capture()).isFalse();
    }
}
