package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class BinariesTest {
    private static final RedisBinary NOWHERE = RedisBinary.at(Path.of("/nonexistent/redis-server"));

    @AfterEach
    void forgetTheStandIn() {
        Binaries.forget(NOWHERE);
    }

    @Test
    void aMissingServerSkipsLoudlyOutsideCi() {
        assertThatThrownBy(() -> Binaries.require(NOWHERE, false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("/nonexistent/redis-server");
        assertThat(Binaries.summary()).contains("MISSING").contains(NOWHERE.label());
    }

    @Test
    void aMissingServerFailsUnderCi() {
        assertThatThrownBy(() -> Binaries.require(NOWHERE, true)).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI=true");
    }

    @Test
    void aPresentServerIsRecordedAsRun() {
        RedisBinary system = Binaries.require(RedisBinary.system(), false);
        assertThat(Binaries.require(system, true)).isSameAs(system);
        assertThat(Binaries.summary()).contains("ran: ").contains(system.label());
    }
}
