package dev.ferry.core.spec;

import java.util.Optional;

/** Where passwords named by a spec come from; an interface so tests can supply an environment of their own. */
@FunctionalInterface
public interface SecretSource {

    /** The value of the environment variable {@code name}, if set. */
    Optional<String> env(String name);

    /** The process environment. */
    static SecretSource system() {
        return name -> Optional.ofNullable(System.getenv(name));
    }
}
