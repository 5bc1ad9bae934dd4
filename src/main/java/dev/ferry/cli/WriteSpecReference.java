package dev.ferry.cli;

import dev.ferry.core.spec.SpecReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@link SpecReference#FILE}; run by {@code mvn -q -o compile exec:java@spec-reference}. */
public final class WriteSpecReference {
    private WriteSpecReference() {
    }

    /** {@code args[0]}: the file to write. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: WriteSpecReference FILE (e.g. " + SpecReference.FILE + ")");
        }
        Files.writeString(Path.of(args[0]), SpecReference.markdown(), StandardCharsets.UTF_8);
    }
}
