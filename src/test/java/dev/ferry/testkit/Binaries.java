package dev.ferry.testkit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Binaries the tests run against: Debian's server plus every shared one that is present. */
public final class Binaries {
    /** Debian's server, by the name the version tests use for it. */
    public static final String APT = "apt";

    private Binaries() {
    }

    static Stream<RedisBinary> all() {
        List<RedisBinary> out = new ArrayList<>();
        if (RedisBinary.system().isAvailable()) {
            out.add(RedisBinary.system());
        }
        RedisBinary.sharedVersions().stream().map(RedisBinary::shared).forEach(out::add);
        return out.stream();
    }

    /**
     * The server for a version name ("apt" is Debian's 7.0.15). Missing, it fails the test under CI=true (a
     * version suite that silently skips proves nothing) and skips it loudly elsewhere.
     */
    public static RedisBinary required(String version) {
        RedisBinary bin = APT.equals(version) ? RedisBinary.system() : RedisBinary.shared(version);
        if (bin.isAvailable()) {
            return bin;
        }
        String why = "no server binary for " + version + " at " + bin.path() + " (see ../shared/redis/README.md)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + ": CI=true, so a missing server fails instead of skipping");
        }
        System.err.println("SKIPPED: " + why);
        assumeTrue(false, why);
        return bin;
    }
}
