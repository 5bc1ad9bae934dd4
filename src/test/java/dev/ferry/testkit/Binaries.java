package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Binaries the tests run against: Debian's server plus every shared one that is present. */
final class Binaries {

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
}
