package dev.ferry.testkit;

import java.util.ArrayList;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test asks for a server binary. A missing one skips the test and says so on stderr; under
 * {@code CI=true} it fails the test instead, so CI never goes green with a version that ran zero times (the
 * pre-6.2 closed-door fence, say). Every binary asked for is recorded, and {@link VersionsReport} prints at the
 * end of the run which versions ran and which were missing.
 */
public final class Binaries {
    /** Debian's server, by the name the version tests use for it. */
    public static final String APT = "apt";
    /** The shared servers every test run is meant to cover (../shared/redis/README.md). */
    public static final List<String> SHARED = List.of("3.0.4", "4.0.14", "5.0.14", "6.2.16", "7.2.6", "valkey-8.0.1");
    private static final Set<String> RAN = new ConcurrentSkipListSet<>();
    private static final Set<String> MISSING = new ConcurrentSkipListSet<>();

    private Binaries() {
    }

    /**
     * Debian's server and every shared one, present or not (plus any other found in the shared folder): a test
     * fed from here calls {@link #require(RedisBinary)} first, so a missing one is said, not dropped.
     */
    static Stream<RedisBinary> all() {
        Stream<String> extra = RedisBinary.sharedVersions().stream().filter(v -> !SHARED.contains(v));
        return Stream.concat(Stream.of(RedisBinary.system()),
                Stream.concat(SHARED.stream(), extra).map(RedisBinary::shared));
    }

    /** {@code "apt"} (or {@code "system"}) for Debian's server, else a folder of the shared servers ("3.0.4"). */
    public static RedisBinary require(String version) {
        boolean system = "apt".equals(version) || "system".equals(version);
        return require(system ? RedisBinary.system() : RedisBinary.shared(version));
    }

    public static RedisBinary require(RedisBinary bin) {
        return require(bin, "true".equalsIgnoreCase(System.getenv("CI")));
    }

    static RedisBinary require(RedisBinary bin, boolean ci) {
        if (bin.isAvailable()) {
            RAN.add(bin.label());
            return bin;
        }
        MISSING.add(bin.label());
        String why = "no server binary " + bin.label() + " at " + bin.path()
                + " (install it in ../shared/redis/<version>, see its README)";
        if (ci) {
            return Assertions.fail(why + "; CI=true: a missing version fails the build instead of skipping");
        }
        System.err.println("SKIPPED: " + why);
        Assumptions.assumeTrue(false, why);
        return bin;
    }

    /** For Binaries' own test: its stand-in binaries are not versions the suite ran or missed. */
    static void forget(RedisBinary bin) {
        RAN.remove(bin.label());
        MISSING.remove(bin.label());
    }

    /** "redis versions ran: ...; missing (tests skipped): ..." or empty when no test asked for a binary. */
    static String summary() {
        if (RAN.isEmpty() && MISSING.isEmpty()) {
            return "";
        }
        return "redis versions ran: " + (RAN.isEmpty() ? "none" : String.join(", ", RAN))
                + (MISSING.isEmpty() ? "" : "; MISSING, their tests skipped: " + String.join(", ", MISSING));
    }
}
