package dev.ferry.core.procedure;

import dev.ferry.core.journal.ConfigChange;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.JournalEntry;
import dev.ferry.core.redis.RedisNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every config ferry changes goes through here: the old value is journaled before the change, so a crash
 * between the two still leaves the value to restore (invariant 7).
 */
public final class ConfigLedger {
    private static final String LEFT = "LEFT";
    private final Journal journal;
    private final Servers servers;

    public ConfigLedger(Journal journal, Servers servers) {
        this.journal = journal;
        this.servers = servers;
    }

    /** Journals the change and returns the CONFIG SET arguments, for callers that send it inside a MULTI. */
    public List<String> record(RedisNode node, String modernKey, String newValue) {
        String key = node.version().configName(modernKey);
        if (pending(node, key).isEmpty()) {
            String old = node.configGet(modernKey).orElseThrow(() -> new IllegalStateException(
                    node + " has no config " + key));
            if (old.equals(newValue)) {
                return List.of("CONFIG", "SET", key, newValue);
            }
            journal.append(Journal.CONFIG, null, "CHANGED", Map.of("server", node.label(), "key", key, "old", old,
                    "new", newValue));
        }
        return List.of("CONFIG", "SET", key, newValue);
    }

    public void set(RedisNode node, String modernKey, String newValue) {
        List<String> command = record(node, modernKey, newValue);
        node.callString(command.get(0), command.subList(1, command.size()).toArray(String[]::new));
    }

    public Optional<ConfigChange> pending(RedisNode node, String key) {
        String actual = node.version().configName(key);
        return journal.pendingConfigChanges().stream()
                .filter(c -> c.server().equals(node.label()) && c.key().equals(actual)).findFirst();
    }

    /** Puts the old value back, if ferry changed it; a no-op otherwise (so restores can be repeated). */
    public void restore(RedisNode node, String modernKey) {
        pending(node, modernKey).ifPresent(this::restore);
    }

    public void restore(ConfigChange change) {
        RedisNode node = servers.byLabel(change.server());
        node.callString("CONFIG", "SET", change.key(), change.oldValue());
        journal.append(Journal.CONFIG, null, "RESTORED", Map.of("server", change.server(), "key", change.key(),
                "value", change.oldValue()));
    }

    /** Records that a changed value stays on purpose (reported, with how to undo it). */
    public void leave(RedisNode node, String modernKey, String why) {
        pending(node, modernKey).ifPresent(c -> journal.append(Journal.CONFIG, null, LEFT, Map.of(
                "server", c.server(), "key", c.key(), "value", c.newValue(), "old", c.oldValue(), "why", why)));
    }

    /**
     * Changes on {@code node} that were knowingly left in place ({@link #leave}) and neither restored nor changed
     * again since, oldest first: after: detach leaves the old master fenced this way.
     */
    public List<ConfigChange> left(RedisNode node) {
        Map<String, ConfigChange> left = new LinkedHashMap<>();
        for (JournalEntry e : journal.entries()) {
            if (Journal.CONFIG.equals(e.kind()) && node.label().equals(String.valueOf(e.fact("server")))) {
                String key = String.valueOf(e.fact("key"));
                if (LEFT.equals(e.status())) {
                    left.put(key, new ConfigChange(node.label(), key, String.valueOf(e.fact("old")),
                            String.valueOf(e.fact("value"))));
                } else {
                    left.remove(key);
                }
            }
        }
        return List.copyOf(left.values());
    }

    /** Puts back what {@link #leave} left on {@code node}, once it is no longer wanted (a rollback). */
    public void restoreLeft(RedisNode node) {
        left(node).forEach(this::restore);
    }

    public void restoreAll() {
        List<ConfigChange> pending = journal.pendingConfigChanges();
        for (int i = pending.size() - 1; i >= 0; i--) {
            restore(pending.get(i));
        }
    }

    public List<ConfigChange> pending() {
        return journal.pendingConfigChanges();
    }
}
