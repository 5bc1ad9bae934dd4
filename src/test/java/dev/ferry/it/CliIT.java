package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.core.run.Procedure;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.testkit.Binaries;
import dev.ferry.testkit.RedisBinary;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line as an operator meets it, on live servers: output, exit codes, and that nothing moved. */
class CliIT {

    @Test
    void planPrintsEveryStepAndCommandAndChangesNothing() {
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            Map<String, String> before = Roles.snapshot(rig.servers());
            Cli.Result plan = Cli.run(rig.args("plan"));
            assertThat(plan.code()).as(plan.toString()).isZero();
            Procedure.steps(SpecLoader.load(rig.specFile()))
                    .forEach(step -> assertThat(plan.out()).as(plan.toString()).containsPattern("\\d+\\. " + step.name() + "\\n"));
            assertThat(plan.out()).contains("REPLICAOF " + rig.a().host() + " " + rig.a().port())
                    .contains("REPLICAOF " + rig.b().host() + " " + rig.b().port())
                    .contains("CLIENT PAUSE 2000 WRITE").contains("min-replicas-to-write 1000000").contains("REPLICAOF NO ONE")
                    .contains("CLIENT KILL TYPE normal").contains("CLIENT UNPAUSE").contains("CONFIG REWRITE")
                    .contains("./repoint.sh").contains("nothing is changed");
            assertThat(Roles.snapshot(rig.servers())).isEqualTo(before);
            assertThat(Files.exists(rig.journal().file())).as("plan writes no journal").isFalse();
        }
    }

    @Test
    void planFor304ShowsSlaveofAndTheClosedDoorFence() {
        RedisBinary old = Binaries.require("3.0.4");
        try (Rig rig = Rig.start(Rig.config(old, old))) {
            Map<String, String> before = Roles.snapshot(rig.servers());
            Cli.Result plan = Cli.run(rig.args("plan"));
            assertThat(plan.code()).as(plan.toString()).isZero();
            assertThat(plan.out()).contains("SLAVEOF " + rig.a().host() + " " + rig.a().port()).contains("SLAVEOF NO ONE")
                    .contains("CONFIG SET maxclients 1").doesNotContain("REPLICAOF " + rig.a().host()).doesNotContain("CLIENT UNPAUSE");
            assertThat(Roles.snapshot(rig.servers())).isEqualTo(before);
        }
    }

    @Test
    void runWithoutYesAndWithoutTerminalIsRefused() {
        assumeTrue(System.console() == null, "this test needs to run without a terminal");
        try (Rig rig = Rig.start(Rig.config(RedisBinary.system(), RedisBinary.system()))) {
            Map<String, String> before = Roles.snapshot(rig.servers());
            Cli.Result run = Cli.run(rig.args("run"));
            assertThat(run.code()).as(run.toString()).isEqualTo(9);
            assertThat(run.err()).contains("--yes");
            assertThat(Roles.snapshot(rig.servers())).isEqualTo(before);
            assertThat(Files.exists(rig.journal().file())).as("a refused run writes no journal").isFalse();
        }
    }

    @Test
    void demoReportsZeroLostWritesAndThePause() {
        Cli.Result demo = Cli.run("demo", "--local", "--keys", "2000");
        assertThat(demo.code()).as(demo.toString()).isZero();
        assertThat(demo.out()).as(demo.toString()).contains("Result: COMPLETED").contains("lost on b: 0")
                .contains("lost on c: 0").containsPattern("write pause on a: [\\d.]+ ms");
    }
}
