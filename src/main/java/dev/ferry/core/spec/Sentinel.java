package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What ferry does about Redis Sentinels watching a: left alone, a Sentinel sees b promoted "on its own" or a
 * reporting itself a replica, and reconfigures or fails over behind ferry's back.
 *
 * @param action     fail (the default: preflight refuses a watched a), ignore (a loud warning) or move
 * @param masterName the name the Sentinels know a by ({@code sentinel monitor <name> ...}); move only
 * @param hosts      every Sentinel that watches a, as "host:port"; move only
 * @param auth       where the Sentinels' own password comes from ({@code requirepass} in sentinel.conf); move only
 */
public record Sentinel(Action action, Optional<String> masterName, List<String> hosts, Optional<AuthSpec> auth) {

    public static final Sentinel NONE = new Sentinel(Action.FAIL, Optional.empty(), List.of());

    public Sentinel {
        requireNonNull(action, "action");
        requireNonNull(masterName, "masterName");
        requireNonNull(auth, "auth");
        hosts = List.copyOf(hosts);
        if (action == Action.MOVE && (masterName.isEmpty() || hosts.isEmpty())) {
            throw new IllegalArgumentException("sentinel action move needs master-name and hosts");
        }
        if (action != Action.MOVE && auth.isPresent()) {
            throw new IllegalArgumentException("sentinel auth applies only to action move, action was " + action);
        }
    }

    /** Sentinels that need no password. */
    public Sentinel(Action action, Optional<String> masterName, List<String> hosts) {
        this(action, masterName, hosts, Optional.empty());
    }

    public enum Action {
        /** Preflight fails when a Sentinel watches a. */
        FAIL,
        /** Preflight warns and ferry goes on: the operator has dealt with the Sentinels some other way. */
        IGNORE,
        /** ferry removes a from every listed Sentinel before the cutover and has them monitor b after it. */
        MOVE;

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
