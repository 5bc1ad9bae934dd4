package dev.ferry.core.procedure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.ConfigChange;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.redis.RedisNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rollback restores of after: detach's fence is read by the ledger, from the journal alone (nothing here
 * talks to a server: the nodes are never connected).
 */
class ConfigLedgerLeftTest {
    @TempDir
    Path dir;

    private final RedisNode a = node("a");
    private final RedisNode b = node("b");

    private static RedisNode node(String label) {
        return new RedisNode(label, "127.0.0.1", 1, Optional.empty(), "ferry-test", 100, Map.of());
    }

    private static Map<String, Object> change(String server, String key, String old, String value) {
        return Map.of("server", server, "key", key, "old", old, "new", value, "value", value);
    }

    @Test
    void onlyValuesLeftAndNotTouchedSinceAreLeftOnThatServer() {
        Journal journal = Journal.open(dir, "orders", Clock.systemUTC());
        ConfigLedger ledger = new ConfigLedger(journal, new Servers(a, b, Optional.empty(), "ferry-test"));
        journal.append(Journal.CONFIG, null, "CHANGED", change("a", "min-slaves-to-write", "0", "1000000"));
        journal.append(Journal.CONFIG, null, "LEFT", change("a", "min-slaves-to-write", "0", "1000000"));
        journal.append(Journal.CONFIG, null, "CHANGED", change("a", "min-slaves-max-lag", "0", "10"));
        journal.append(Journal.CONFIG, null, "LEFT", change("a", "min-slaves-max-lag", "0", "10"));
        journal.append(Journal.CONFIG, null, "RESTORED", Map.of("server", "a", "key", "min-slaves-max-lag", "value", "0"));
        journal.append(Journal.CONFIG, null, "CHANGED", change("b", "replica-read-only", "yes", "no"));
        journal.append(Journal.CONFIG, null, "LEFT", change("b", "replica-read-only", "yes", "no"));

        // the key as journaled (the server's own, pre-5.0 name here), the value it had before ferry
        assertThat(ledger.left(a)).containsExactly(new ConfigChange("a", "min-slaves-to-write", "0", "1000000"));
        assertThat(ledger.left(b)).containsExactly(new ConfigChange("b", "replica-read-only", "yes", "no"));
    }
}
