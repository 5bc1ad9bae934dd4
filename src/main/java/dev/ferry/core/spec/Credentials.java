package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A resolved username and password; {@link #toString()} never shows the password so it cannot leak into logs. */
public record Credentials(Optional<String> username, String password) {

    public Credentials {
        requireNonNull(username, "username");
        requireNonNull(password, "password");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
    }

    @Override
    public String toString() {
        return username.map(user -> "Credentials[username=" + user + ", password=***]")
                .orElse("Credentials[password=***]");
    }
}
