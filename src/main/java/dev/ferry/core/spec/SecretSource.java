package dev.ferry.core.spec;

import java.util.Optional;

/** Where passwords named by a spec come from; an interface so tests can supply an environment of their own. */
@FunctionalInterface
public interface SecretSource {

    /** The value of the environment variable {@code name}, if set. */
    Optional<String> env(String name);

    /**
     * Whether a password file that group or others can read, or that another user owns, may be used anyway
     * ({@code --allow-open-secret-files}). No by default: ssh refuses such key files, and so does ferry.
     */
    default boolean allowsOpenFiles() {
        return false;
    }

    /** The process environment; open password files refused. */
    static SecretSource system() {
        return system(false);
    }

    /** The process environment; {@code allowOpenFiles}: see {@link #allowsOpenFiles()}. */
    static SecretSource system(boolean allowOpenFiles) {
        return new SecretSource() {
            @Override
            public Optional<String> env(String name) {
                return Optional.ofNullable(System.getenv(name));
            }

            @Override
            public boolean allowsOpenFiles() {
                return allowOpenFiles;
            }
        };
    }
}
