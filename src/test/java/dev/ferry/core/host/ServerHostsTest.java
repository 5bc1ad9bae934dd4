package dev.ferry.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way core reaches a spec server's host (clock check, host logs): through {@link HostExec}. */
class ServerHostsTest {
    /** More than a pipe holds (64 KiB on Linux): read only after the exit, it would block the command for good. */
    private static final int BIG = 200_000;

    @TempDir
    Path dir;

    private Spec specWithExec(String exec) throws IOException {
        Path file = dir.resolve("move.yaml");
        Files.writeString(file, "name: move\nsource: { host: 127.0.0.1, port: 7001, exec: " + exec + " }\n"
                + "target: { host: 127.0.0.1, port: 7002 }\n");
        return SpecLoader.parse(Files.readString(file), file);
    }

    /** A local stand-in for ssh: runs its arguments as the command. */
    private void onHostScript() throws IOException {
        Path script = dir.resolve("on-host.sh");
        Files.writeString(script, "#!/bin/sh\nexec \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aRelativeExecStartsAtTheSpecFolderAndAChattyCommandDoesNotHang() throws IOException {
        onHostScript();
        Spec spec = specWithExec("./on-host.sh");
        HostExec a = ServerHosts.of(spec, spec.source()).orElseThrow();

        ExecResult result = a.run(List.of("sh", "-c", "yes ferry | head -c " + BIG));

        assertThat(result.ok()).as(result.failure()).isTrue();
        assertThat(result.stdoutIfOk()).hasSize(BIG);
        assertThat(a.label()).isEqualTo("a");
    }

    @Test
    void noExecMeansNoHost() throws IOException {
        Spec spec = specWithExec("./on-host.sh");
        assertThat(ServerHosts.of(spec, spec.target())).isEmpty();
        assertThat(ServerHosts.label(spec.target())).isEqualTo("b");
    }

    @Test
    void aFailedCommandNamesTheHostAndTheExit() throws IOException {
        onHostScript();
        Spec spec = specWithExec("./on-host.sh");
        ExecResult result = ServerHosts.of(spec, spec.source()).orElseThrow().run(List.of("sh", "-c", "echo nope >&2; exit 3"));

        assertThatThrownBy(result::stdoutIfOk).isInstanceOf(HostCommandFailed.class)
                .hasMessageContaining("on a").hasMessageContaining("exited 3").hasMessageContaining("nope");
    }
}
