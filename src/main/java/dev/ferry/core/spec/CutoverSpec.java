package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * How writes move from a to b.
 *
 * @param mode       how clients are stopped from writing to a while b catches up
 * @param maxPause   the longest clients may be held; the cutover aborts rather than pause longer
 * @param catchUp    how long the initial sync of b may take before ferry gives up
 * @param drainWatch how long to watch a for stray writes after the switch
 */
public record CutoverSpec(Mode mode, Duration maxPause, Duration catchUp, Duration drainWatch) {

    public static final Duration MAX_PAUSE_LIMIT = Duration.ofSeconds(60);
    public static final CutoverSpec DEFAULT =
            new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofSeconds(10));
    /**
     * With the keepalived switch the pause may span the VIP move (it does when the VIP moves before a's
     * demotion): a plain priority swap waits for b's master-down timer, 3 advert intervals + skew = 3.5 s with
     * advert_int 1, so 2 s would lift a's fence while the VIP still points at a. 5 s leaves room for that move.
     */
    public static final CutoverSpec KEEPALIVED_DEFAULT =
            new CutoverSpec(Mode.PAUSE, Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(10));

    public CutoverSpec {
        requireNonNull(mode, "mode");
        requireNonNull(maxPause, "maxPause");
        requireNonNull(catchUp, "catchUp");
        requireNonNull(drainWatch, "drainWatch");
        Checks.positive("max-pause", maxPause);
        Checks.atMost("max-pause", maxPause, MAX_PAUSE_LIMIT);
        Checks.positive("catch-up", catchUp);
        Checks.notNegative("drain-watch", drainWatch);
    }

    public enum Mode {
        PAUSE,
        FAILOVER,
        DRAIN;

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
