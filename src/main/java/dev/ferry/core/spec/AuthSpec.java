package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a server's password comes from. The spec names an environment variable or a file, never the password
 * itself, so a spec can be committed and shown in reports.
 *
 * @param passwordFile absolute once loaded by {@link SpecLoader} (relative paths resolve against the spec's folder)
 */
public record AuthSpec(Optional<String> username, Optional<String> passwordEnv, Optional<Path> passwordFile) {

    public static final AuthSpec NONE = new AuthSpec(Optional.empty(), Optional.empty(), Optional.empty());

    public AuthSpec {
        requireNonNull(username, "username");
        requireNonNull(passwordEnv, "passwordEnv");
        requireNonNull(passwordFile, "passwordFile");
        if (passwordEnv.isPresent() && passwordFile.isPresent()) {
            throw new IllegalArgumentException("password-env and password-file are exclusive, both were given");
        }
    }

    /**
     * Reads the password, or returns empty when none is configured.
     *
     * @throws SpecException if the variable is unset or empty, or the file is missing, unreadable or empty; the
     *                       message names the variable or file, never its content
     */
    public Optional<Credentials> resolve(SecretSource secrets) {
        requireNonNull(secrets, "secrets");
        Optional<String> password = passwordEnv.map(name -> fromEnv(secrets, name))
                .or(() -> passwordFile.map(file -> fromFile(file, secrets.allowsOpenFiles())));
        return password.map(secret -> new Credentials(username, secret));
    }

    private static String fromEnv(SecretSource secrets, String name) {
        return secrets.env(name).filter(value -> !value.isEmpty()).orElseThrow(() -> new SpecException(
                "auth: environment variable " + name + " is not set or empty (export " + name
                        + " with the password, or use password-file)"));
    }

    private static String fromFile(Path file, boolean allowOpen) {
        if (!allowOpen) {
            SecretFilePermissions.check(file);
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(
                    "auth: password file " + file + " does not exist (create it, or fix password-file)");
        } catch (IOException e) {
            // the exception's own text is left out: some readers quote the bytes they choked on
            throw new SpecException("auth: password file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "; check its permissions and that it is UTF-8 text)");
        }
        String password = stripOneNewline(content);
        if (password.isEmpty()) {
            throw new SpecException("auth: password file " + file + " is empty (write the password into it)");
        }
        return password;
    }

    // editors and `echo pw > file` add one newline; anything beyond that may be part of the password
    private static String stripOneNewline(String content) {
        if (content.endsWith("\r\n")) {
            return content.substring(0, content.length() - 2);
        }
        if (content.endsWith("\n")) {
            return content.substring(0, content.length() - 1);
        }
        return content;
    }
}
