package dev.ferry.core.switching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.spec.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hook's preflight finds the program the way the cutover will start it, so a hook that could not start is
 * refused before anything changes instead of failing inside the cutover window (a fenced, b promoted).
 */
class HookSwitchTest {
    @TempDir
    Path dir;

    private HookSwitch hook(String... command) {
        return new HookSwitch(List.of(command), Duration.ofSeconds(5), dir);
    }

    private Path script(String name, String text, String mode) throws IOException {
        Path p = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void aBareNameOnNoPathIsRefused() {
        assertThat(hook("ferry-no-such-hook-xyz", "--now").preflight()).singleElement().asString()
                .startsWith("hook 'ferry-no-such-hook-xyz' is not on ferry's PATH (" + System.getenv("PATH") + ")")
                .contains("./ferry-no-such-hook-xyz");
    }

    @Test
    void aBareNameOnPathPassesAndIsStartedByThePathFound() {
        assertThat(hook("true").preflight()).isEmpty();
        assertThat(HookProgram.of("true", dir).resolve()).hasValueSatisfying(p -> assertThat(p).isAbsolute().endsWith(Path.of("true")));
    }

    @Test
    void aPathFromTheSpecsFolderMustBeAnExecutableFile() throws IOException {
        script("plain.sh", "#!/bin/sh\nexit 0\n", "rw-r--r--");
        Files.createDirectories(dir.resolve("folder.sh"));

        assertThat(hook("./missing.sh").preflight()).singleElement().asString()
                .isEqualTo("hook " + dir.resolve("missing.sh") + " does not exist: fix switch.command in the spec");
        assertThat(hook("./plain.sh").preflight()).singleElement().asString()
                .isEqualTo("hook " + dir.resolve("plain.sh") + " is not executable: chmod +x " + dir.resolve("plain.sh"));
        assertThat(hook("./folder.sh").preflight()).singleElement().asString().contains("is not a regular file");
    }

    @Test
    void aScriptWhoseInterpreterIsMissingIsRefused() throws IOException {
        script("py.sh", "#!/opt/ferry-no-such/python3 -u\nprint(1)\n", "rwxr-xr-x");
        script("env.sh", "#!/usr/bin/env ferry-no-such-interpreter\n", "rwxr-xr-x");
        script("sh.sh", "#!/bin/sh\nexit 0\n", "rwxr-xr-x");
        script("envsh.sh", "#!/usr/bin/env sh\nexit 0\n", "rwxr-xr-x");

        assertThat(hook("./py.sh").preflight()).singleElement().asString()
                .contains("names the interpreter /opt/ferry-no-such/python3 on its #! line, which does not exist here");
        assertThat(hook("./env.sh").preflight()).singleElement().asString()
                .contains("runs 'ferry-no-such-interpreter' through #!/usr/bin/env")
                .contains("is not on ferry's PATH");
        assertThat(hook("./sh.sh").preflight()).isEmpty();
        assertThat(hook("./envsh.sh").preflight()).isEmpty();
    }

    @Test
    void theOutputGoesToTheLogPreparedBeforeTheMoveAndNothingToTheTempFolder() throws IOException {
        script("hook.sh", "#!/bin/sh\necho \"moving to $FERRY_TARGET_PORT\"\n", "rwx------");
        Path log = dir.resolve("state/orders.hook.log");
        HookSwitch hook = new HookSwitch(List.of("./hook.sh"), Duration.ofSeconds(5), dir, Set.of(), Optional.of(log));
        assertThat(hook.preflight()).isEmpty();
        long tempBefore = hookLogsInTemp();

        hook.prepare();
        assertThat(log).exists().isEmptyFile();
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        hook.move(endpoint("source", 1), endpoint("target", 2));

        assertThat(Files.readString(log)).isEqualTo("moving to 2\n");
        assertThat(hook.log()).contains(log);
        assertThat(hookLogsInTemp()).as("ferry-hook*.log files in " + tmp()).isEqualTo(tempBefore);
    }

    @Test
    void aLogThatCannotBeCreatedIsAPreflightProblem() throws IOException {
        Path aFile = Files.writeString(dir.resolve("not-a-folder"), "");
        HookSwitch hook = new HookSwitch(List.of("true"), Duration.ofSeconds(5), dir, Set.of(),
                Optional.of(aFile.resolve("orders.hook.log")));

        assertThat(hook.preflight()).singleElement().asString().startsWith("the hook's log " + aFile.resolve("orders.hook.log")
                + " cannot be created: " + aFile + " is a file");
    }

    @Test
    void aSpecsHookWithoutStateDirStillLeavesNoTempFile() throws IOException {
        script("quiet.sh", "#!/bin/sh\nexit 0\n", "rwx------");
        long before = hookLogsInTemp();
        hook("./quiet.sh").move(endpoint("source", 1), endpoint("target", 2));
        assertThat(hookLogsInTemp()).isEqualTo(before);
    }

    @Test
    void anArmedHookRunsOnceWhenMovedWithItsArgumentsEnvironmentAndExitCode() throws IOException {
        script("count.sh", "#!/bin/sh\necho \"$1 $FERRY_SOURCE_PORT>$FERRY_TARGET_PORT\" >> runs\nexit \"$2\"\n", "rwx------");
        HookSwitch hook = hook("./count.sh", "moved", "0");
        hook.arm(endpoint("source", 1), endpoint("target", 2));
        sleepMillis(200); // the gate is up and waiting: the hook has not run
        assertThat(dir.resolve("runs")).doesNotExist();

        hook.move(endpoint("source", 1), endpoint("target", 2));
        hook.disarm(); // nothing left armed: a no-op
        assertThat(Files.readString(dir.resolve("runs"))).isEqualTo("moved 1>2\n");

        HookSwitch failing = hook("./count.sh", "failed", "3");
        failing.arm(endpoint("source", 1), endpoint("target", 2));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> failing.move(endpoint("source", 1), endpoint("target", 2))))
                .hasMessageStartingWith("hook ./count.sh exited with 3");
    }

    @Test
    void aDisarmedHookNeverRunsAndAMoveElsewhereStartsItAfresh() throws IOException {
        script("count.sh", "#!/bin/sh\necho \"$FERRY_TARGET_PORT\" >> runs\n", "rwx------");
        HookSwitch hook = hook("./count.sh");
        hook.arm(endpoint("source", 1), endpoint("target", 2));
        hook.disarm();
        sleepMillis(200);
        assertThat(dir.resolve("runs")).doesNotExist();

        hook.arm(endpoint("source", 1), endpoint("target", 2));
        hook.move(endpoint("target", 2), endpoint("source", 1)); // armed for the other way: that one is dropped
        sleepMillis(200);
        assertThat(Files.readString(dir.resolve("runs"))).isEqualTo("1\n");
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Endpoint endpoint(String role, int port) {
        return new Endpoint(role, "127.0.0.1", port, Optional.empty(), List.of());
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static long hookLogsInTemp() throws IOException {
        try (Stream<Path> files = Files.list(tmp())) {
            return files.filter(p -> p.getFileName().toString().startsWith("ferry-hook")).count();
        }
    }
}
