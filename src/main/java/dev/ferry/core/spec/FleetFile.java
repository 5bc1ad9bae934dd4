package dev.ferry.core.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * A fleet: many specs moved in one run ({@code ferry fleet ...}), at most {@code parallel} at once.
 *
 * @param file      the fleet file; its base name names the fleet's own journal
 * @param specs     every spec, in the order the fleet file lists them (globs sorted by path)
 * @param parallel  pairs moved at once, at least 1
 * @param onFailure what a failed pair does to the rest: stop starting new ones, or carry on
 */
public record FleetFile(Path file, List<Spec> specs, int parallel, OnFailure onFailure) {
    public enum OnFailure { STOP, CONTINUE }

    /** The fleet's name: the fleet file's name without its extension. */
    public String name() {
        String base = file.getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
