package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preflight reads the hosts' clocks through each server's exec prefix and warns on more than a second of skew. */
class ClockCheckIT {
    @TempDir
    Path dir;

    private MoveFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** The fixture's spec with exec prefixes for a and b. */
    private Cli.Result preflightWith(String aExec, String bExec) throws Exception {
        f = new MoveFixture(dir, RedisBinary.system(), Map.of(), "");
        String spec = Files.readString(f.spec)
                .replace("port: " + f.a.port() + " }", "port: " + f.a.port() + ", exec: " + aExec + " }")
                .replace("port: " + f.b.port() + " }", "port: " + f.b.port() + ", exec: " + bExec + " }");
        MoveFixture.write(f.spec, spec);
        return f.ferry("preflight");
    }

    private static String clockLine(Cli.Result result) {
        return result.out().lines().filter(line -> line.contains(" clocks ")).findFirst().orElse(result.toString());
    }

    @Test
    void localExecsAgreeWithFerrysClock() throws Exception {
        Cli.Result result = preflightWith("[env]", "[env]");

        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(clockLine(result)).startsWith("  PASS").contains("a ").contains("b ").contains("(within 1000ms)");
    }

    @Test
    void aClockFiveSecondsAheadIsWarnedAbout() throws Exception {
        Path skewed = dir.resolve("skewed.sh");
        Files.writeString(skewed, "#!/bin/sh\necho $(( $(date +%s%N) + 5000000000 ))\n");
        Files.setPosixFilePermissions(skewed, PosixFilePermissions.fromString("rwxr-xr-x"));

        Cli.Result result = preflightWith("[env]", "[./skewed.sh]");

        assertThat(result.code()).as("a warning does not fail preflight: " + result).isZero();
        assertThat(clockLine(result)).startsWith("  WARN").containsPattern("b's clock is 5\\d\\d\\dms ahead of ferry's")
                .contains("synchronise the hosts' clocks");
    }

    @Test
    void anExecThatFailsIsNamed() throws Exception {
        Cli.Result result = preflightWith("[./no-such-program]", "[env]");

        assertThat(clockLine(result)).startsWith("  WARN").contains("could not read a's clock through exec")
                .contains("check source.exec in the spec");
        // every later use of that exec (host logs, a keepalived switch) would fail the same way: preflight fails
        assertThat(result.out()).contains("FAIL host exec").contains("a's exec './no-such-program' cannot run 'true'");
        assertThat(result.code()).as(result.toString()).isEqualTo(3);
    }

    @Test
    @Tag("netns")
    void aNamespaceSharesTheHostsClock() throws Exception {
        String ns = "ferry-clock-" + UUID.randomUUID().toString().substring(0, 8);
        run("ip", "netns", "add", ns);
        try {
            Cli.Result result = preflightWith("[ip, netns, exec, " + ns + "]", "[env]");

            assertThat(clockLine(result)).startsWith("  PASS").contains("(within 1000ms)");
        } finally {
            run("ip", "netns", "del", ns);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
