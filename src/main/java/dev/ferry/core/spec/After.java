package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** What becomes of the old master a once b has taken over. */
public record After(SourceFate source) {

    public static final After DEFAULT = new After(SourceFate.REPLICA);

    public After {
        requireNonNull(source, "source");
    }

    public enum SourceFate {
        /** a follows b, so the move can be undone by another ferry run in the other direction. */
        REPLICA,
        /** a is left out of the new topology: it does not replicate from b. */
        DETACH;

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
