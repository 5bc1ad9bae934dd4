package dev.ferry.core.journal;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The places ferry will write (state dir, report, mismatches file, generated files), checked before any server is
 * contacted: a file where a folder is needed, a folder where a file is needed, or a folder nobody may write into
 * is one line naming the option, the path, the problem and the fix (exit 2), never a stack trace later.
 * Writability is probed by creating and deleting a file, not by permission bits: root passes every access()
 * check, yet cannot write into a read-only mount or /proc. Nothing that does not exist yet is created.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /** {@code dir} is, or can be created as, a folder ferry can write files into. */
    public static void folder(String option, Path dir) {
        problemWithFolder(dir).ifPresent(problem -> {
            throw bad(option, dir, problem);
        });
    }

    /** For a folder ferry only reads: absent is fine, a file is not. */
    public static void notAFile(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw bad(option, dir, "is a file, not a folder (give a folder, or move the file away)");
        }
    }

    /** {@code file} is, or can be created as, a regular file ferry can write. */
    public static void file(String option, Path file) {
        problemWithFile(file).ifPresent(problem -> {
            throw bad(option, file, problem);
        });
    }

    /** What stops ferry from writing files into {@code dir}, in the form "problem (fix)"; empty when nothing does. */
    public static Optional<String> problemWithFolder(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            return Optional.of("is a file, not a folder (give a folder, or move the file away)");
        }
        return writableAncestor(absolute, absolute);
    }

    /** What stops ferry from writing {@code file}; empty when nothing does. */
    public static Optional<String> problemWithFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return Optional.of("is a folder, not a file (name a file, e.g. " + absolute.resolve("ferry-report.json") + ")");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            return Optional.of("is not a regular file (name a regular file)");
        }
        Path parent = absolute.getParent();
        return parent == null ? Optional.of("has no folder (name a file in a folder)") : writableAncestor(absolute, parent);
    }

    /** The nearest existing folder from {@code dir} up, where {@code target} will be made, must take new files. */
    private static Optional<String> writableAncestor(Path target, Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of("cannot be created (no part of it exists)");
        }
        String where = existing.equals(target) ? "" : ": " + existing;
        if (!Files.isDirectory(existing)) {
            return Optional.of("cannot be created" + where + " is a file, not a folder (fix the path, or move that file away)");
        }
        try {
            Files.delete(Files.createTempFile(existing, ".ferry-probe", ".tmp"));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of((where.isEmpty() ? "is not writable" : "cannot be created" + where + " is not writable")
                    + " (" + e.getClass().getSimpleName() + ": fix its permissions, or choose another place)");
        }
    }

    private static FerryException bad(String option, Path path, String problem) {
        return new FerryException(ExitCode.BAD_SPEC, option + " " + path + ": " + problem);
    }
}
