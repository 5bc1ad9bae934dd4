package dev.ferry.core.verify;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Confirmed differences: the first few kept for display, every one written to the mismatch file if asked. */
final class MismatchSink {
    private final int shown;
    private final List<Difference> kept = new ArrayList<>();
    private final Map<String, Long> perKind = new TreeMap<>();
    private final Optional<BufferedWriter> file;
    private long total;

    /** {@code file} is shared by the pairs of one verify; writes to it are synchronized on it. */
    MismatchSink(int shown, Optional<BufferedWriter> file) {
        this.shown = shown;
        this.file = file;
    }

    static BufferedWriter open(Path path) {
        try {
            return Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FerryException(ExitCode.BAD_SPEC, "cannot write the mismatch file " + path + ": " + e.getMessage()
                    + ": pick a writable path for --mismatches");
        }
    }

    synchronized void add(Difference d) {
        total++;
        perKind.merge(d.kind().label(), 1L, Long::sum);
        if (kept.size() < shown) {
            kept.add(d);
        }
        file.ifPresent(w -> write(w, d.line()));
    }

    private static void write(BufferedWriter w, String line) {
        try {
            synchronized (w) {
                w.write(line);
                w.newLine();
            }
        } catch (IOException e) {
            throw new FerryException(ExitCode.CONNECTION, "could not verify: cannot write to the mismatch file ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): free space there, or pick another --mismatches", e);
        }
    }

    synchronized long total() {
        return total;
    }

    synchronized List<Difference> kept() {
        return List.copyOf(kept);
    }

    synchronized Map<String, Long> perKind() {
        return Map.copyOf(perKind);
    }
}
