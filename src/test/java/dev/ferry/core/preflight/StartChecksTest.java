package dev.ferry.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The host execs and the check-endpoint, proven usable before the run changes anything; and the clock line. */
class StartChecksTest {

    private static Spec spec(String aExec, String bExec, String more) {
        return SpecLoader.parse("name: orders\nsource: { host: 127.0.0.1, port: 7001, exec: " + aExec + " }\n"
                + "target: { host: 127.0.0.1, port: 7002, exec: " + bExec + " }\n" + more, Path.of("orders.yaml"));
    }

    @Test
    void everyExecPrefixMustRunTrue() {
        assertThat(StartChecks.execPrefixes(spec("[env]", "[env]", "")))
                .satisfies(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.PASS))
                .extracting(CheckResult::detail).isEqualTo("a, b: exec prefix runs 'true'");

        CheckResult broken = StartChecks.execPrefixes(spec("[env]", "[false]", ""));
        assertThat(broken.failed()).isTrue();
        assertThat(broken.oneLine()).startsWith("host exec: b's exec 'false' cannot run 'true' on b's host: on b, 'false true' exited 1")
                .endsWith("fix target.exec in the spec (e.g. \"ssh root@127.0.0.1\"): it must run a command on that host");

        CheckResult missing = StartChecks.execPrefixes(spec("[ferry-no-such-ssh, root@h]", "[env]", ""));
        assertThat(missing.oneLine()).contains("a's exec 'ferry-no-such-ssh root@h' cannot run 'true'")
                .contains("cannot start: Cannot run program \"ferry-no-such-ssh\"");
    }

    @Test
    void aCheckEndpointThatCannotBeReachedNowFails() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CheckResult unreachable = StartChecks.checkEndpoint("127.0.0.1:" + closed);
        assertThat(unreachable.failed()).isTrue();
        assertThat(unreachable.oneLine()).startsWith("check-endpoint: 127.0.0.1:" + closed + " cannot be reached now")
                .endsWith("fix switch.check-endpoint: it must lead to a now and to b after the switch");
        try (ServerSocket open = new ServerSocket(0)) {
            assertThat(StartChecks.checkEndpoint("127.0.0.1:" + open.getLocalPort()).status())
                    .isEqualTo(CheckResult.Status.PASS);
        }
    }

    @Test
    void theClockLineNamesFerrysClockAfterEachHost() {
        CheckResult clocks = ClockChecks.check(spec("[env]", "[env]", ""));
        assertThat(clocks.status()).isEqualTo(CheckResult.Status.PASS);
        assertThat(clocks.detail()).matches("a \\d+ms (ahead of|behind) ferry's, b \\d+ms (ahead of|behind) ferry's "
                + "\\(within 1000ms\\)");
    }
}
