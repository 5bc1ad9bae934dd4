package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code sync:} block (issue 14): the method, its default, max-ops, and errors that point at the line. */
class SyncSpecLoaderTest {
    private static final Path FILE = Path.of("/etc/ferry/orders.yaml");
    private static final String MINIMAL = """
            name: orders-cache
            source: { host: 10.0.0.1 }
            target: { host: 10.0.0.2 }
            """;

    private static Spec parse(String yaml) {
        return SpecLoader.parse(yaml, FILE);
    }

    @Test
    void leftOutTheMethodIsAuto() {
        Spec spec = parse(MINIMAL);

        assertThat(spec.sync()).isEqualTo(SyncSpec.DEFAULT);
        assertThat(spec.sync().method()).isEqualTo(SyncSpec.Method.AUTO);
        assertThat(spec.logicalSync()).isFalse();
        assertThat(spec.redacted()).containsEntry("sync", java.util.Map.of("method", "auto", "max-ops", 0L));
    }

    @Test
    void eachMethodIsRead() {
        assertThat(parse(MINIMAL + "sync: { method: logical, max-ops: 20000 }\n").sync())
                .isEqualTo(new SyncSpec(SyncSpec.Method.LOGICAL, 20000));
        assertThat(parse(MINIMAL + "sync: { method: replication }\n").sync().method()).isEqualTo(SyncSpec.Method.REPLICATION);
        assertThat(parse(MINIMAL + "sync: { method: logical }\n").logicalSync()).isTrue();
    }

    @Test
    void autoResolvedKeepsEverythingElse() {
        Spec spec = parse(MINIMAL + "sync: { max-ops: 5 }\n");

        Spec resolved = spec.withSyncMethod(SyncSpec.Method.LOGICAL);

        assertThat(resolved.sync()).isEqualTo(new SyncSpec(SyncSpec.Method.LOGICAL, 5));
        assertThat(resolved.withSyncMethod(SyncSpec.Method.AUTO)).isEqualTo(spec);
    }

    @Test
    void aWrongMethodNamesItsLineAndTheAllowedOnes() {
        assertThatThrownBy(() -> parse(MINIMAL + "sync: { method: logic }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("orders.yaml:4")
                .hasMessageContaining("invalid sync.method 'logic'")
                .hasMessageContaining("did you mean 'logical'?")
                .hasMessageContaining("replication, logical, auto");
    }

    @Test
    void aWrongMaxOpsSaysWhatToWrite() {
        assertThatThrownBy(() -> parse(MINIMAL + "sync:\n  method: logical\n  max-ops: fast\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("orders.yaml:6")
                .hasMessageContaining("invalid sync.max-ops 'fast'")
                .hasMessageContaining("max-ops: 20000");
        assertThatThrownBy(() -> parse(MINIMAL + "sync: { max-ops: -1 }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("orders.yaml:4")
                .hasMessageContaining("0 (no limit) or more");
    }

    @Test
    void anUnknownKeyInTheBlockIsRefused() {
        assertThatThrownBy(() -> parse(MINIMAL + "sync: { mode: logical }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("orders.yaml:4")
                .hasMessageContaining("mode");
    }
}
