package dev.ferry.cli;

import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec file and state directory every command that touches servers takes. */
final class SpecOptions {
    @Parameters(index = "0", paramLabel = "SPEC", description = "the migration spec (YAML)")
    Path specFile;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".ferry",
            description = "where the journal and lock live (default: ${DEFAULT-VALUE})")
    Path stateDir;

    Spec load() {
        return SpecLoader.load(specFile);
    }
}
