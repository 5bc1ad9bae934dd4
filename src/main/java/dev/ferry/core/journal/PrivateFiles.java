package dev.ferry.core.journal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Journals and reports name servers, users and configs: readable by their owner only (0600), like an ssh key,
 * whatever the umask says.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** For creating a file: owner read/write only, where the file system knows POSIX permissions. */
    public static FileAttribute<?>[] ownerOnly() {
        return posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }

    /** Creates {@code file} empty and 0600 unless it exists, then tightens it to 0600 either way. */
    public static void ensure(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, ownerOnly());
        }
        if (posix()) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
