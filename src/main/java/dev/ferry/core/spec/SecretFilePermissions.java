package dev.ferry.core.spec;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * What ssh does with a private key: a password file that group or others may read (or write) is refused, and
 * so is one owned by another user than ferry's (root excepted), because someone else can then read or replace
 * the password. {@code --allow-open-secret-files} skips this check.
 */
final class SecretFilePermissions {
    private static final Set<PosixFilePermission> OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    static final String ALLOW_FLAG = "--allow-open-secret-files";

    private SecretFilePermissions() {
    }

    /** @throws SpecException naming the file, what is open about it and the chmod/chown that fixes it */
    static void check(Path file) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> mode;
        String owner;
        try {
            mode = Files.getPosixFilePermissions(file);
            owner = Files.getOwner(file).getName();
        } catch (NoSuchFileException e) {
            return; // reading it says that it does not exist
        } catch (IOException e) {
            return; // reading it says why it cannot be read
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.retainAll(OPEN);
        if (!open.isEmpty()) {
            throw new SpecException("auth: password file " + file + " is open to group or others (mode "
                    + octal(mode) + ", like an unprotected ssh key) (chmod 600 " + file + ", or pass " + ALLOW_FLAG
                    + " to use it anyway)");
        }
        String me = System.getProperty("user.name");
        if (!owner.equals(me) && !owner.equals("root")) {
            throw new SpecException("auth: password file " + file + " belongs to user " + owner + ", not to " + me
                    + " who runs ferry (chown " + me + " " + file + ", or pass " + ALLOW_FLAG + " to use it anyway)");
        }
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
