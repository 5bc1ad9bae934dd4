package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every path ferry writes, given wrong, is refused before the spec is read or a server contacted (the spec named
 * here does not even exist, so reading it would give another message): one line naming the option, the path,
 * the problem and the fix, exit 2. A file where a folder is needed, a folder where a file is needed, a path
 * under a file, and a place nobody can write into (/proc, refused even to root), for every verb that writes.
 */
class OutputPathsTest {
    @TempDir
    static Path dir;

    static Path file;
    static Path folder;

    @BeforeAll
    static void paths() throws IOException {
        file = Files.writeString(dir.resolve("a-file"), "not a folder\n");
        folder = Files.createDirectories(dir.resolve("a-folder"));
        Files.createDirectories(dir.resolve("md-taken/run.json.md"));
        Files.createDirectories(dir.resolve("out-taken/keepalived-b.conf"));
    }

    static Stream<Arguments> cases() {
        String f = file.toString();
        String d = folder.toString();
        String isFile = ": is a file, not a folder (give a folder, or move the file away)";
        String underFile = ": cannot be created: " + f + " is a file, not a folder (fix the path, or move that file away)";
        String isFolder = ": is a folder, not a file (name a file, e.g. ";
        String proc = ": cannot be created: /proc is not writable (NoSuchFileException: fix its permissions, or choose another place)";
        List<Arguments> cases = new ArrayList<>();
        for (String verb : List.of("run", "resume", "rollback", "preflight", "plan", "status")) {
            cases.add(Arguments.of(verb + " missing.yaml --state-dir " + f, "--state-dir " + f + isFile));
        }
        cases.add(Arguments.of("run missing.yaml --state-dir " + f + "/state", "--state-dir " + f + "/state" + underFile));
        cases.add(Arguments.of("resume missing.yaml --state-dir /proc/ferry-state", "--state-dir /proc/ferry-state" + proc));
        cases.add(Arguments.of("rollback missing.yaml --state-dir /proc/ferry-state", "--state-dir /proc/ferry-state" + proc));
        cases.add(Arguments.of("run missing.yaml --state-dir " + d + " --report " + d, "--report " + d + isFolder + d));
        cases.add(Arguments.of("resume missing.yaml --state-dir " + d + " --report " + f + "/run.json",
                "--report " + f + "/run.json" + underFile));
        cases.add(Arguments.of("run missing.yaml --state-dir " + d + " --report /proc/run.json", "--report /proc/run.json"
                + ": cannot be created: /proc is not writable"));
        cases.add(Arguments.of("run missing.yaml --state-dir " + d + " --report " + dir.resolve("md-taken/run.json"),
                "--report " + dir.resolve("md-taken/run.json.md") + isFolder));
        cases.add(Arguments.of("verify missing.yaml --mismatches " + d, "--mismatches " + d + isFolder));
        cases.add(Arguments.of("verify missing.yaml --mismatches " + f + "/m.txt", "--mismatches " + f + "/m.txt" + underFile));
        cases.add(Arguments.of("generate keepalived missing.yaml --vip 10.0.0.100/24 --out " + f, "--out " + f + isFile));
        cases.add(Arguments.of("generate keepalived --vip 10.0.0.100/24 --out " + dir.resolve("out-taken"),
                "--out " + dir.resolve("out-taken/keepalived-b.conf") + isFolder));
        cases.add(Arguments.of("generate firewall --from 10.0.0.0/8 --out /proc/ferry-fw", "--out /proc/ferry-fw" + proc));
        cases.add(Arguments.of("generate redis-conf missing.yaml --out " + f + "/x", "--out " + f + "/x" + underFile));
        cases.add(Arguments.of("demo --local --report " + d, "--report " + d + isFolder));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aPathFerryCannotWriteIsOneLineAndExitTwo(String args, String message) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(args.trim().split("\\s+"));
        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("ferry: " + message).doesNotContain("\n")
                .doesNotContain("\tat ").doesNotContain("missing.yaml");
        assertThat(out.toString()).isEmpty();
    }
}
