package dev.ferry.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.RedisBinary;
import dev.ferry.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Whole runs with passwords on every server, the password from an environment variable: it never shows in what
 * ferry writes (journal, report, stdout, stderr) nor in any command line while ferry runs; journal and report are
 * 0600. With ACL users, b, c and a (after: replica) end up logging in to their master as that user.
 */
class SecretsIT {
    private static final String REQUIREPASS = "rq-Zx81-secret-default";
    private static final String ACL_PASSWORD = "acl-Qw42-secret-ferry";

    @TempDir
    Path dir;

    @Test
    void requirepassFromEnvNeverLeaks() throws Exception {
        try (MoveFixture f = new MoveFixture(dir, RedisBinary.system(), Map.of("requirepass", REQUIREPASS),
                "auth: { password-env: FERRY_IT_PASSWORD }\n")) {
            f.startWriters();
            MoveFixture.ProcessResult run = f.ferryProcess(Map.of("FERRY_IT_PASSWORD", REQUIREPASS), "run", "--yes",
                    "--report", dir.resolve("report.json").toString());

            assertThat(run.code()).as(run.out() + run.err()).isZero();
            assertNoSecretAnywhere(f, run, REQUIREPASS);
            assertThat(MoveFixture.role(f.a)).contains("master_port:" + f.b.port());
        }
    }

    @Test
    void aclUserOn70LogsInAndSetsMasteruser() throws Exception {
        try (MoveFixture f = new MoveFixture(dir, RedisBinary.system(), Map.of("requirepass", REQUIREPASS),
                "auth: { username: ferry, password-env: FERRY_IT_PASSWORD }\n")) {
            for (RedisServer s : List.of(f.a, f.b, f.c)) {
                try (Jedis j = s.client()) {
                    j.aclSetUser("ferry", "on", ">" + ACL_PASSWORD, "+@all", "~*", "&*");
                }
            }
            f.startWriters();
            MoveFixture.ProcessResult run = f.ferryProcess(Map.of("FERRY_IT_PASSWORD", ACL_PASSWORD), "run", "--yes",
                    "--report", dir.resolve("report.json").toString());

            assertThat(run.code()).as(run.out() + run.err()).isZero();
            assertThat(MoveFixture.config(f.b, "masteruser")).isEqualTo("ferry");
            assertThat(MoveFixture.config(f.c, "masteruser")).isEqualTo("ferry");
            assertThat(MoveFixture.config(f.a, "masteruser")).as("a follows b as ferry after the cutover").isEqualTo("ferry");
            try (Jedis a = f.a.client()) {
                assertThat(a.info("replication")).contains("master_link_status:up");
            }
            assertNoSecretAnywhere(f, run, ACL_PASSWORD);
            assertNoSecretAnywhere(f, run, REQUIREPASS);
        }
    }

    private void assertNoSecretAnywhere(MoveFixture f, MoveFixture.ProcessResult run, String secret) throws IOException {
        assertThat(run.out()).doesNotContain(secret).contains("COMPLETED");
        assertThat(run.err()).doesNotContain(secret);
        assertThat(f.argvSeen).as("command lines while ferry ran").doesNotContain(secret).contains("ferry.jar");
        List<Path> written;
        try (Stream<Path> files = Files.walk(f.state)) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertThat(written).isNotEmpty();
        for (Path file : written) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain(secret);
        }
        Path report = dir.resolve("report.json");
        assertThat(Files.readString(report)).doesNotContain(secret).contains("\"orders\"");
        Path journal = f.state.resolve("orders.journal.jsonl");
        assertThat(Files.readString(journal)).contains("MASTERAUTH");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-------");
    }
}
