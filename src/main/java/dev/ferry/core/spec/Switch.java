package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How clients are pointed from a to b.
 *
 * @param type          none (clients are moved by someone else), hook (run {@code command}) or keepalived
 * @param command       the hook's argv, as written (a relative program resolves against {@link Spec#specDir()});
 *                      empty unless the type is hook
 * @param timeout       how long the hook may run
 * @param checkEndpoint a "host:port" that should reach b once the switch is done
 * @param options       the remaining keys of a keepalived switch (vip, instance, source, target), as written
 */
public record Switch(Type type, List<String> command, Duration timeout, Optional<String> checkEndpoint,
        Map<String, Object> options) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Switch NONE = new Switch(Type.NONE, List.of(), DEFAULT_TIMEOUT, Optional.empty(), Map.of());

    public Switch {
        requireNonNull(type, "type");
        command = List.copyOf(command);
        requireNonNull(timeout, "timeout");
        requireNonNull(checkEndpoint, "checkEndpoint");
        // keeps the spec's key order for reports; keepalived values may be nested maps and lists, or null
        options = SpecView.freeze(new LinkedHashMap<>(options));
        Checks.positive("timeout", timeout);
        if (type == Type.HOOK && command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty for a hook switch");
        }
    }

    public enum Type {
        NONE,
        HOOK,
        KEEPALIVED;

        /** The spelling used in the spec. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return label();
        }
    }
}
