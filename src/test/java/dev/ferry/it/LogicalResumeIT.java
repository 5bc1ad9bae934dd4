package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.LossReport;
import dev.ferry.testkit.Writers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Issue 14, resume: ferry SIGKILLed inside the logical cutover's fence (FERRY_FAILPOINT=cutover:fenced). The timed
 * pause ends by itself and a takes writes again; nothing was captured meanwhile, so {@code resume} must not trust
 * what the dead run copied: it starts a new capture with a full pass, fences again, and loses nothing. Also
 * SIGKILLed during the copy ({@code logical:copying}) and during the capture before the cutover
 * ({@code logical:capturing}), with keys deleted and a database flushed on a while ferry is dead: the resume's
 * full pass sweeps b of them, and ends with b equal to a.
 */
class LogicalResumeIT {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"logical:copying", "logical:capturing"})
    void killedDuringTheCopyOrCaptureResumesLosingNothing(String failPoint) {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Path spec = m.spec("logical", "detach");
            Writers writers = m.startWriters();
            killedAt(m, spec, failPoint);
            long onBWhenKilled;
            try (Jedis ja = m.a.client(Duration.ofSeconds(10)); Jedis jb = m.b.client(Duration.ofSeconds(10))) {
                onBWhenKilled = jb.dbSize();
                // while ferry is dead: nothing sees these, and b holds (some of) the keys already
                for (int n = 0; n < 60; n++) {
                    ja.del(dev.ferry.testkit.Dataset.key(dev.ferry.testkit.Dataset.KeyType.values()[n % 6], n));
                }
                ja.select(7);
                ja.flushDB();
            }
            writers.awaitAcknowledged(writers.acknowledged() + 300, Duration.ofSeconds(15));

            Cli.Result resume = resume(m, spec);
            LossReport onB = m.stopAndCheckB(writers);
            Map<String, Object> cutover = m.cutoverFacts();
            System.out.println("LogicalResumeIT " + failPoint + ": b held " + onBWhenKilled + " keys in db 0 when killed; "
                    + writers.stats().summary() + "; resumed cutover " + cutover);

            assertThat(onBWhenKilled).as("killed with b partly copied").isPositive();
            assertThat(resume.code()).as(resume.toString()).isZero();
            assertThat(onB.checked()).isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
            assertThat(((Number) cutover.get("sweptFromB")).longValue()).as("keys deleted on a while ferry was dead")
                    .isPositive();
            assertThat(LogicalSyncIT.verifyFull(m)).as("ferry verify --full, a against b").isEqualTo("match");
        }
    }

    @Test
    void killedInsideTheFenceResumesWithAFullPassAndLosesNothing() {
        try (ManagedSource m = ManagedSource.start("KEA")) {
            Path spec = m.spec("logical", "detach");
            Writers writers = m.startWriters();
            killedAt(m, spec, "cutover:fenced");
            writers.awaitAcknowledged(writers.acknowledged() + 500, Duration.ofSeconds(15)); // on a, after its pause ran out

            Cli.Result resume = resume(m, spec);
            LossReport onB = m.stopAndCheckB(writers);
            LossReport onC;
            try (Jedis jc = m.c.client(Duration.ofSeconds(30))) {
                onC = writers.checkLost(jc);
            }
            Map<String, Object> cutover = m.cutoverFacts();
            System.out.println("LogicalResumeIT: " + writers.stats().summary() + "; resumed cutover " + cutover);

            assertThat(resume.code()).as(resume.toString()).isZero();
            assertThat(onB.checked()).isPositive();
            assertThat(onB.lost()).as("lost on b: " + onB).isZero();
            assertThat(onC.lost()).as("lost on c: " + onC).isZero();
            assertThat(((Number) cutover.get("passes")).intValue()).as("the resume's own full pass").isGreaterThanOrEqualTo(1);
        }
    }

    /** {@code ferry run} in a child process, SIGKILLed (halted) at {@code failPoint}. */
    private static void killedAt(ManagedSource m, Path spec, String failPoint) {
        Path log = m.dir.resolve("child.log");
        Process child = ChildFerry.startArgs(Map.of("FERRY_FAILPOINT", failPoint), log, "run", spec.toString(),
                "--state-dir", m.stateDir().toString(), "--yes", "--accept-timed-fence");
        assertThat(ChildFerry.waitFor(child)).as(ChildFerry.output(log)).isEqualTo(137);
    }

    private static Cli.Result resume(ManagedSource m, Path spec) {
        return Cli.run("resume", spec.toString(), "--state-dir", m.stateDir().toString(), "--yes", "--accept-timed-fence");
    }
}
