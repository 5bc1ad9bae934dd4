package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The sync comparison of bench/cutover.sh, small: it measures, and leaves nothing of its own in the temp folder. */
class SyncBenchIT {
    @Test
    void measuresAndLeavesNoSyncbenchFolderBehind() throws IOException {
        List<Path> before = leftovers();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        double ratio = SyncBench.ratio(500, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(ratio).isPositive();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("sync 500 keys: ferry");
        assertThat(leftovers()).as("ferry-syncbench* folders in " + tmp()).isEqualTo(before);
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(tmp())) {
            return files.filter(p -> p.getFileName().toString().startsWith("ferry-syncbench")).sorted().toList();
        }
    }
}
