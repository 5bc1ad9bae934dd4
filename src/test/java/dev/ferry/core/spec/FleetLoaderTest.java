package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetLoaderTest {
    @TempDir
    Path dir;

    private Path spec(String file, String name, int port) throws IOException {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "name: " + name + "\nsource: { host: 127.0.0.1, port: " + port + " }\n"
                + "target: { host: 127.0.0.1, port: " + (port + 1) + " }\n");
        return p;
    }

    private Path fleet(String yaml) throws IOException {
        return Files.writeString(dir.resolve("fleet.yaml"), yaml);
    }

    @Test
    void pathsAndGlobsRelativeToTheFleetFileInOrder() throws IOException {
        spec("one.yaml", "one", 7000);
        spec("pairs/b.yaml", "b", 7010);
        spec("pairs/a.yaml", "a", 7020);
        FleetFile fleet = FleetLoader.load(fleet("specs: [one.yaml, \"pairs/*.yaml\"]\nparallel: 3\non-failure: continue\n"));
        assertThat(fleet.specs()).extracting(Spec::name).containsExactly("one", "a", "b");
        assertThat(fleet.parallel()).isEqualTo(3);
        assertThat(fleet.onFailure()).isEqualTo(FleetFile.OnFailure.CONTINUE);
        assertThat(fleet.name()).isEqualTo("fleet");
    }

    @Test
    void defaultsAreOneAtATimeAndStop() throws IOException {
        spec("one.yaml", "one", 7000);
        FleetFile fleet = FleetLoader.load(fleet("specs: [one.yaml]\n"));
        assertThat(fleet.parallel()).isEqualTo(1);
        assertThat(fleet.onFailure()).isEqualTo(FleetFile.OnFailure.STOP);
    }

    @Test
    void aListedSpecThatIsMissingIsNamedWithItsLine() throws IOException {
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs:\n  - nowhere.yaml\n"))).isInstanceOf(SpecException.class)
                .hasMessageStartingWith("fleet.yaml:2: spec ").hasMessageContaining("nowhere.yaml does not exist")
                .hasMessageContaining("relative to the fleet file");
    }

    @Test
    void aGlobThatMatchesNothingIsRefused() throws IOException {
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [\"pairs/*.yaml\"]\n")))
                .hasMessageStartingWith("fleet.yaml:1: the glob pairs/*.yaml matches no file");
    }

    @Test
    void twoSpecsWithOneNameAreRefused() throws IOException {
        spec("x.yaml", "same", 7000);
        spec("y.yaml", "same", 7010);
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [x.yaml, y.yaml]\n")))
                .hasMessageContaining("are both named 'same'").hasMessageContaining("rename one");
    }

    @Test
    void badParallelOnFailureUnknownKeysAndEmptyFilesAreOneLineErrors() throws IOException {
        spec("one.yaml", "one", 7000);
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [one.yaml]\nparallel: 0\n")))
                .hasMessage("fleet.yaml:2: parallel must be a whole number from 1 to 64, was 0");
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [one.yaml]\non-failure: maybe\n")))
                .hasMessage("fleet.yaml:2: on-failure must be stop or continue, was maybe");
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [one.yaml]\nparalel: 2\n")))
                .hasMessageStartingWith("fleet.yaml:2:").hasMessageContaining("paralel");
        assertThatThrownBy(() -> FleetLoader.load(fleet("")))
                .hasMessageContaining("the fleet file is empty");
        assertThatThrownBy(() -> FleetLoader.load(fleet("parallel: 2\n")))
                .hasMessageContaining("specs: is missing or empty");
    }

    @Test
    void aBadSpecInTheFleetIsReportedInItsOwnFile() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "name: bad\nsource: { host: 127.0.0.1 }\n");
        assertThatThrownBy(() -> FleetLoader.load(fleet("specs: [bad.yaml]\n"))).hasMessageStartingWith("bad.yaml:");
    }
}
