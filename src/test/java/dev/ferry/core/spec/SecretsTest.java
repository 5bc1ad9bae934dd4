package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {
    private static final String SECRET = "s3cr3t-hunter2";

    @TempDir
    Path dir;

    private static SecretSource env(Map<String, String> variables) {
        return name -> Optional.ofNullable(variables.get(name));
    }

    private static AuthSpec fromEnv(String username, String variable) {
        return new AuthSpec(Optional.ofNullable(username), Optional.of(variable), Optional.empty());
    }

    private static AuthSpec fromFile(Path file) {
        return new AuthSpec(Optional.of("app"), Optional.empty(), Optional.of(file));
    }

    @Test
    void readsThePasswordFromTheEnvironment() {
        Optional<Credentials> credentials =
                fromEnv("app", "REDIS_PASSWORD").resolve(env(Map.of("REDIS_PASSWORD", SECRET)));

        assertThat(credentials).contains(new Credentials(Optional.of("app"), SECRET));
    }

    @Test
    void unsetOrEmptyVariableIsNamedButNoSecretShown() {
        assertThatThrownBy(() -> fromEnv(null, "REDIS_PASSWORD").resolve(env(Map.of())))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("REDIS_PASSWORD is not set or empty")
                .hasMessageContaining("export REDIS_PASSWORD");
        assertThatThrownBy(() -> fromEnv(null, "REDIS_PASSWORD").resolve(env(Map.of("REDIS_PASSWORD", ""))))
                .hasMessageContaining("REDIS_PASSWORD is not set or empty");
    }

    @Test
    void noPasswordConfiguredMeansNoCredentials() {
        assertThat(AuthSpec.NONE.resolve(env(Map.of()))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pw|pw",
        "pw\\n|pw",
        "pw\\r\\n|pw",
        "pw\\n\\n|pw\\n",
        "' pw '|' pw '",
    })
    void readsThePasswordFileStrippingOneTrailingNewline(String content, String expected) throws IOException {
        Path file = ownerOnly(Files.writeString(dir.resolve("redis.pw"), unescape(content), StandardCharsets.UTF_8));

        Optional<Credentials> credentials = fromFile(file).resolve(env(Map.of()));

        assertThat(credentials).map(Credentials::password).contains(unescape(expected));
    }

    @Test
    void missingPasswordFileIsNamed() {
        Path file = dir.resolve("absent.pw");

        assertThatThrownBy(() -> fromFile(file).resolve(env(Map.of())))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void emptyPasswordFileIsRejected() throws IOException {
        Path file = ownerOnly(Files.writeString(dir.resolve("empty.pw"), "\n"));

        assertThatThrownBy(() -> fromFile(file).resolve(env(Map.of())))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is empty");
    }

    @Test
    void unreadablePasswordFileIsNamedWithoutItsContent() throws IOException {
        Path file = ownerOnly(Files.write(dir.resolve("latin1.pw"), new byte[] {'p', (byte) 0xE9, 'w'}));

        assertThatThrownBy(() -> fromFile(file).resolve(env(Map.of())))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("cannot be read");
    }

    private static Path ownerOnly(Path file) throws IOException {
        return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** A source that allows open files, as --allow-open-secret-files makes it. */
    private static SecretSource allowingOpenFiles() {
        return new SecretSource() {
            @Override
            public Optional<String> env(String name) {
                return Optional.empty();
            }

            @Override
            public boolean allowsOpenFiles() {
                return true;
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"rw-r--r--,0644", "rw-r-----,0640", "rw-----w-,0602"})
    void passwordFileOpenToGroupOrOthersIsRefusedLikeAnSshKey(String mode, String octal) throws IOException {
        Path file = Files.writeString(dir.resolve("open.pw"), SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

        assertThatThrownBy(() -> fromFile(file).resolve(env(Map.of())))
                .isInstanceOf(SpecException.class)
                .hasMessage("auth: password file " + file + " is open to group or others (mode " + octal
                        + ", like an unprotected ssh key) (chmod 600 " + file
                        + ", or pass --allow-open-secret-files to use it anyway)");
        assertThat(SecretSource.system().allowsOpenFiles()).isFalse();
    }

    @Test
    void openPasswordFileIsUsedWhenTheOperatorAllowsIt() throws IOException {
        Path file = Files.writeString(dir.resolve("open.pw"), SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(fromFile(file).resolve(allowingOpenFiles())).map(Credentials::password).contains(SECRET);
        assertThat(SecretSource.system(true).allowsOpenFiles()).isTrue();
    }

    @Test
    void passwordFileOfAnotherUserIsRefused() throws IOException {
        Path file = ownerOnly(Files.writeString(dir.resolve("theirs.pw"), SECRET + "\n"));
        UserPrincipal nobody;
        try {
            nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(file, nobody);
        } catch (IOException notRoot) {
            System.err.println("SKIPPED passwordFileOfAnotherUserIsRefused: cannot give a file to user nobody ("
                    + notRoot + "): run the tests as root to cover it");
            Assumptions.abort("needs root to chown a file to nobody");
            return;
        }

        assertThatThrownBy(() -> fromFile(file).resolve(env(Map.of())))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("password file " + file + " belongs to user nobody")
                .hasMessageContaining("chown " + System.getProperty("user.name") + " " + file)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void credentialsNeverShowThePassword() {
        Credentials withUser = new Credentials(Optional.of("app"), SECRET);
        Credentials withoutUser = new Credentials(Optional.empty(), SECRET);

        assertThat(withUser).hasToString("Credentials[username=app, password=***]");
        assertThat(withoutUser).hasToString("Credentials[password=***]");
        assertThat(withUser.password()).isEqualTo(SECRET);
    }

    @Test
    void credentialsNeedAPassword() {
        assertThatThrownBy(() -> new Credentials(Optional.empty(), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password must not be empty");
    }

    @Test
    void specNamesFileAndServerWhenASecretIsMissing() {
        Spec spec = SpecLoader.parse("""
                name: orders
                source: { host: a }
                target: { host: b }
                auth: { password-env: REDIS_PASSWORD }
                """, Path.of("conf/orders.yaml"));

        assertThatThrownBy(() -> spec.credentials(spec.target(), env(Map.of())))
                .hasMessageStartingWith("orders.yaml: target auth: environment variable REDIS_PASSWORD");
        assertThat(spec.credentials(spec.source(), env(Map.of("REDIS_PASSWORD", SECRET))))
                .map(Credentials::password).contains(SECRET);
    }

    @Test
    void systemSourceReadsTheProcessEnvironment() {
        String path = System.getenv("PATH");

        assertThat(SecretSource.system().env("PATH")).isEqualTo(Optional.ofNullable(path));
        assertThat(SecretSource.system().env("FERRY_SURELY_UNSET_VARIABLE_42")).isEmpty();
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
