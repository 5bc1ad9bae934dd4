package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The distribution archive that {@code mvn package} builds: troff man pages that man renders, one per command. */
class DistIT {
    @TempDir
    Path dir;

    @Test
    void shipsAManPageForEveryCommandThatManRenders() throws Exception {
        assumeFalse(Boolean.getBoolean("ferry.skipDocs"), "built with -DskipDocs=true: no distribution archive");
        Path dist = Path.of(System.getProperty("ferry.dist", "target/ferry-dist.tar.gz"));
        assertThat(dist).as("the archive mvn package builds").exists();
        Path man1 = unpack(dist).resolve("man/man1");

        try (Stream<Path> pages = Files.list(man1)) {
            assertThat(pages.map(page -> page.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(pageNames(Main.commandLine(), "ferry"));
        }
        String page = render(man1.resolve("ferry-run.1"));
        assertThat(page).contains("FERRY-RUN(1)", "NAME", "SYNOPSIS", "OPTIONS", "ARGUMENTS", "SPEC");
        CommandLine run = Main.commandLine().getSubcommands().get("run");
        assertThat(run.getCommandSpec().options()).filteredOn(option -> !option.hidden()).isNotEmpty()
                .allSatisfy(option -> assertThat(page).contains(option.longestName()));
    }

    @Test
    void itsLauncherRunsAndItsCompletionLoadsInBash() throws Exception {
        assumeFalse(Boolean.getBoolean("ferry.skipDocs"), "built with -DskipDocs=true: no distribution archive");
        Path root = unpack(Path.of(System.getProperty("ferry.dist", "target/ferry-dist.tar.gz")));
        String version = Main.commandLine().getCommandSpec().version()[0];

        assertThat(run(List.of(root.resolve("bin/ferry").toString(), "--version")).strip()).isEqualTo(version);
        assertThat(version).matches("ferry \\d+\\.\\d+.*");
        String completion = root.resolve("completion/ferry_completion").toString();
        assertThat(run(List.of("bash", "-c", "source " + completion + " && complete -p ferry")))
                .contains("ferry");
    }

    private Path unpack(Path dist) throws IOException, InterruptedException {
        run(List.of("tar", "xzf", dist.toString(), "-C", dir.toString()));
        try (Stream<Path> top = Files.list(dir)) {
            return top.findFirst().orElseThrow(() -> new AssertionError(dist + " is empty"));
        }
    }

    /** ferry.1 and one page per subcommand, nested ones as ferry-generate-keepalived.1. */
    private static List<String> pageNames(CommandLine command, String name) {
        List<String> names = new ArrayList<>(List.of(name + ".1"));
        command.getSubcommands().forEach((sub, line) -> {
            if (!line.getCommandSpec().usageMessage().hidden() && sub.equals(line.getCommandName())) {
                names.addAll(pageNames(line, name + "-" + sub));
            }
        });
        return names;
    }

    /**
     * {@code man -l} as an operator would read the page; {@code groff -man} where man is not installed. groff must
     * not warn either: a warning means a macro the page needs is missing or misspelled.
     */
    private static String render(Path page) throws IOException, InterruptedException {
        if (onPath("groff")) {
            assertThat(run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString())))
                    .as("groff warnings for " + page).isEmpty();
        }
        List<String> command = onPath("man") ? List.of("man", "-l", page.toString())
                : List.of("groff", "-man", "-Tutf8", page.toString());
        // overstrike bold (X\bX) would split option names
        return run(command).replaceAll(".\b", "");
    }

    private static boolean onPath(String program) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() == 0;
    }

    /** Runs {@code command} and returns what it printed, stdout and stderr together; it must exit 0 within 30 s. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("ferry-dist-it", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("MANWIDTH", "120");
            builder.environment().put("MANPAGER", "cat");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within 30 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(command + " exit code; output:\n" + text).isZero();
            return text;
        } finally {
            Files.delete(output);
        }
    }
}
